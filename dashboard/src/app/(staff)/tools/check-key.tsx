'use client';
import { useId, useState } from 'react';
import { checkAgainstJwks, ToolInputError, type CheckResult } from '../../../lib/jwk-tools';
import { publishedJwks } from './actions';
import styles from './tools.module.css';

/**
 * A JWK, or a token's protected header, against a key set's live JWKS. Only the key set's name
 * goes to the server; the JWKS comes back and the comparison runs here.
 */
export function CheckKey({ keySetNames }: { keySetNames: string[] }) {
  const inputId = useId();
  const [keySet, setKeySet] = useState(keySetNames[0] ?? '');
  const [input, setInput] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<CheckResult & { readonly keySet: string; readonly etag: string }>();
  const [error, setError] = useState<string>();

  async function check() {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const jwks = await publishedJwks(keySet);
      if ('error' in jwks) {
        setError(jwks.error);
        return;
      }
      setResult({ ...(await checkAgainstJwks(input, jwks.jwksJson)), keySet, etag: jwks.etag });
    } catch (failure) {
      setError(failure instanceof ToolInputError ? failure.message : `Not checked: ${(failure as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={styles.tool} aria-labelledby="check-heading">
      <h2 id="check-heading">Check against a key set&apos;s JWKS</h2>
      <div className={styles.controls}>
        <label>
          Key set
          <select value={keySet} onChange={(event) => setKeySet(event.target.value)} data-testid="check-key-set">
            {keySetNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label htmlFor={inputId}>A JWK, or a token (only its header is decoded; nothing is verified)</label>
      <textarea
        id={inputId}
        value={input}
        onChange={(event) => setInput(event.target.value)}
        rows={5}
        spellCheck={false}
        autoComplete="off"
        data-testid="check-input"
      />
      <div className={styles.controls}>
        <button type="button" onClick={() => void check()} disabled={busy || keySet === ''} data-testid="check">
          {busy ? 'Checking…' : 'Check'}
        </button>
      </div>
      {error !== undefined && (
        <p className="error" data-testid="check-error">
          {error}
        </p>
      )}
      {result !== undefined && <CheckReport result={result} />}
    </section>
  );
}

function CheckReport({ result }: { result: CheckResult & { keySet: string; etag: string } }) {
  const yesNo = (value: boolean | undefined, yes: string, no: string, unknown: string) =>
    value === undefined ? <span className="muted">{unknown}</span> : value ? yes : <span className="error">{no}</span>;
  return (
    <dl className={styles.report} data-testid="check-result">
      <dt>Checked</dt>
      <dd>
        {result.subject === 'jwk' ? 'a JWK' : "a token's protected header"} against <strong>{result.keySet}</strong>{' '}
        (JWKS <code>{result.etag}</code>)
      </dd>
      <dt>kid</dt>
      <dd data-testid="check-kid">
        {result.kid === undefined ? <span className="muted">none given</span> : <code>{result.kid}</code>}
      </dd>
      <dt>Published</dt>
      <dd data-testid="check-kid-published">
        {result.kid === undefined
          ? yesNo(undefined, '', '', 'no kid to look for')
          : yesNo(result.kidPublished, 'yes: the JWKS has this kid', 'no: the JWKS has no key with this kid', '')}
      </dd>
      {result.subject === 'jwk' && (
        <>
          <dt>Thumbprint</dt>
          <dd>
            <code data-testid="check-thumbprint">{result.thumbprint}</code>
          </dd>
          <dt>Same key as published</dt>
          <dd data-testid="check-thumbprint-matches">
            {yesNo(
              result.thumbprintMatches,
              'yes: the published key with this kid has the same thumbprint',
              'no: the published key with this kid is a different key',
              'no published key with this kid to compare',
            )}
            {result.publishedAs.length > 0 && (
              <>
                {' '}
                (this key is published as <code>{result.publishedAs.join(', ')}</code>)
              </>
            )}
          </dd>
        </>
      )}
      <dt>Algorithm</dt>
      <dd data-testid="check-alg">
        {result.alg ?? <span className="muted">none given</span>}{' '}
        {yesNo(result.algMatches, '(as published)', '(the published key says otherwise)', '')}
      </dd>
    </dl>
  );
}
