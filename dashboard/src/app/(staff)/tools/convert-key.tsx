'use client';
import { useId, useState } from 'react';
import type { JWK } from 'jose';
import { jwkToPem, parseJwk, pemToJwk, thumbprintOf, ToolInputError, type PemOutput } from '../../../lib/jwk-tools';
import { KeyOutput, pretty } from './key-output';
import styles from './tools.module.css';

type Converted =
  | { readonly to: 'jwk'; readonly jwk: JWK; readonly thumbprint: string }
  | { readonly to: 'pem'; readonly pem: PemOutput };

/** PEM (PKCS#8 / SPKI) to JWK, or JWK to PEM: whichever was pasted. */
export function ConvertKey() {
  const id = useId();
  const [input, setInput] = useState('');
  const [result, setResult] = useState<Converted>();
  const [error, setError] = useState<string>();

  async function convert() {
    setError(undefined);
    setResult(undefined);
    const text = input.trim();
    try {
      if (text.startsWith('-----BEGIN')) {
        const jwk = await pemToJwk(text);
        setResult({ to: 'jwk', jwk, thumbprint: await thumbprintOf(jwk) });
      } else if (text.startsWith('{')) {
        setResult({ to: 'pem', pem: await jwkToPem(parseJwk(text)) });
      } else {
        setError('Paste a PEM block (-----BEGIN …) or a JWK ({"kty": …}).');
      }
    } catch (failure) {
      setError(failure instanceof ToolInputError ? failure.message : `Not converted: ${(failure as Error).message}`);
    }
  }

  return (
    <section className={styles.tool} aria-labelledby="convert-heading">
      <h2 id="convert-heading">Convert PEM ↔ JWK</h2>
      <label htmlFor={id}>A PEM key (PKCS#8 private or SPKI public) or a JWK</label>
      <textarea
        id={id}
        value={input}
        onChange={(event) => setInput(event.target.value)}
        rows={6}
        spellCheck={false}
        autoComplete="off"
        data-testid="convert-input"
      />
      <div className={styles.controls}>
        <button type="button" onClick={() => void convert()} data-testid="convert">
          Convert
        </button>
      </div>
      {error !== undefined && (
        <p className="error" data-testid="convert-error">
          {error}
        </p>
      )}
      {result?.to === 'jwk' && (
        <div className={styles.outputs} data-testid="converted">
          <KeyOutput
            label="JWK"
            value={pretty(result.jwk)}
            testId="converted-jwk"
            secret={result.jwk.d !== undefined}
          />
          <KeyOutput label="Thumbprint" value={result.thumbprint} testId="converted-thumbprint" />
        </div>
      )}
      {result?.to === 'pem' && (
        <div className={styles.outputs} data-testid="converted">
          {result.pem.privatePem !== undefined && (
            <KeyOutput
              label="Private key PEM (PKCS#8)"
              value={result.pem.privatePem}
              testId="converted-private-pem"
              secret
            />
          )}
          <KeyOutput label="Public key PEM (SPKI)" value={result.pem.publicPem} testId="converted-public-pem" />
        </div>
      )}
    </section>
  );
}
