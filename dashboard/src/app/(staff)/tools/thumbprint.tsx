'use client';
import { useId, useState } from 'react';
import { parseJwk, thumbprintOf, ToolInputError } from '../../../lib/jwk-tools';
import { KeyOutput } from './key-output';
import styles from './tools.module.css';

/** RFC 7638: the SHA-256 of a JWK's required public members, base64url. */
export function Thumbprint() {
  const id = useId();
  const [input, setInput] = useState('');
  const [thumbprint, setThumbprint] = useState<string>();
  const [error, setError] = useState<string>();

  async function compute() {
    setError(undefined);
    setThumbprint(undefined);
    try {
      setThumbprint(await thumbprintOf(parseJwk(input.trim())));
    } catch (failure) {
      setError(failure instanceof ToolInputError ? failure.message : (failure as Error).message);
    }
  }

  return (
    <section className={styles.tool} aria-labelledby="thumbprint-heading">
      <h2 id="thumbprint-heading">RFC 7638 thumbprint</h2>
      <label htmlFor={id}>A JWK (public or private: the thumbprint is the public key&apos;s)</label>
      <textarea
        id={id}
        value={input}
        onChange={(event) => setInput(event.target.value)}
        rows={5}
        spellCheck={false}
        autoComplete="off"
        data-testid="thumbprint-input"
      />
      <div className={styles.controls}>
        <button type="button" onClick={() => void compute()} data-testid="thumbprint">
          Compute SHA-256 thumbprint
        </button>
      </div>
      {error !== undefined && (
        <p className="error" data-testid="thumbprint-error">
          {error}
        </p>
      )}
      {thumbprint !== undefined && <KeyOutput label="Thumbprint" value={thumbprint} testId="thumbprint-output" />}
    </section>
  );
}
