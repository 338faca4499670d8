'use client';
import { useState } from 'react';
import { algorithmsFor, KEY_TYPES, keyTypeById, type KeyUse } from '../../../lib/jwk-options';
import { generateKeyMaterial, type KeyPairOutput } from '../../../lib/jwk-tools';
import { KeyOutput, pretty } from './key-output';
import styles from './tools.module.css';

export function GenerateKey() {
  const [typeId, setTypeId] = useState(KEY_TYPES[0]!.id);
  const [use, setUse] = useState<KeyUse>('sig');
  const [alg, setAlg] = useState('');
  const [busy, setBusy] = useState(false);
  const [output, setOutput] = useState<KeyPairOutput>();
  const [error, setError] = useState<string>();
  const type = keyTypeById(typeId) ?? KEY_TYPES[0]!;
  const algs = algorithmsFor(type, use);
  const chosenAlg = algs.includes(alg) ? alg : (algs[0] ?? '');

  async function generate() {
    setBusy(true);
    setError(undefined);
    setOutput(undefined);
    try {
      setOutput(await generateKeyMaterial(type, use, chosenAlg));
    } catch (failure) {
      setError(`This browser could not generate the key: ${(failure as Error).message}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className={styles.tool} aria-labelledby="generate-heading">
      <h2 id="generate-heading">Generate a key pair</h2>
      <div className={styles.controls}>
        <label>
          Key type
          <select value={typeId} onChange={(event) => setTypeId(event.target.value)} data-testid="generate-type">
            {KEY_TYPES.map((option) => (
              <option key={option.id} value={option.id}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className={styles.use}>
          <legend>Use</legend>
          {(['sig', 'enc'] as const).map((value) => (
            <label key={value}>
              <input
                type="radio"
                name="use"
                value={value}
                checked={use === value}
                onChange={() => setUse(value)}
                data-testid={`generate-use-${value}`}
              />
              {value === 'sig' ? 'Signing (sig)' : 'Encryption (enc)'}
            </label>
          ))}
        </fieldset>
        <label>
          Algorithm
          <select value={chosenAlg} onChange={(event) => setAlg(event.target.value)} data-testid="generate-alg">
            {algs.map((option) => (
              <option key={option} value={option}>
                {option}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          onClick={() => void generate()}
          disabled={busy || algs.length === 0}
          data-testid="generate"
        >
          {busy ? 'Generating…' : 'Generate'}
        </button>
      </div>
      {algs.length === 0 && (
        <p className="muted" data-testid="generate-unsupported">
          {type.label} keys are not made for {use === 'sig' ? 'signing' : 'encryption'}: choose{' '}
          {type.crv === 'Ed25519' ? 'X25519 to encrypt' : 'Ed25519 to sign'}.
        </p>
      )}
      {error !== undefined && (
        <p className="error" data-testid="generate-error">
          {error}
        </p>
      )}
      {output !== undefined && (
        <div className={styles.outputs} data-testid="generated">
          <KeyOutput label="Thumbprint (kid)" value={output.thumbprint} testId="generated-thumbprint" />
          <KeyOutput label="Public JWK" value={pretty(output.publicJwk)} testId="generated-public-jwk" />
          <KeyOutput label="Public key PEM (SPKI)" value={output.publicPem} testId="generated-public-pem" />
          <KeyOutput label="Private JWK" value={pretty(output.privateJwk)} testId="generated-private-jwk" secret />
          <KeyOutput label="Private key PEM (PKCS#8)" value={output.privatePem} testId="generated-private-pem" secret />
        </div>
      )}
    </section>
  );
}
