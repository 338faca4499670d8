'use client';
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from 'react';
import styles from '../../../components/actions/actions.module.css';
import { CopyButton } from '../../../components/copy-button';
import { DURATION_UNITS } from '../../../lib/durations';
import { createToken, type CreateTokenState } from './actions';
import { MAX_GRANTS } from './grants';

interface Props {
  /** Key set names a grant may name ("*": every key set and the service itself). */
  readonly keySets: string[];
  readonly scopes: { value: number; label: string }[];
}

export function CreateTokenForm({ keySets, scopes }: Props) {
  const [state, action, pending] = useActionState<CreateTokenState, FormData>(createToken, {});
  const [rows, setRows] = useState(1);
  const form = useRef<HTMLFormElement>(null);
  // Cleared once a token is made; after a refusal it keeps what was typed (a form action would not).
  useEffect(() => {
    if (state.created !== undefined) form.current?.reset();
  }, [state]);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };
  return (
    <>
      {state.created === undefined ? null : (
        <section className={styles.result} aria-live="polite" data-testid="new-token">
          <h3>Token {state.created.name} created</h3>
          <p className={styles.error}>
            <strong>Copy this secret now.</strong> It is shown this once: Keyward keeps only its hash, and it is gone
            when you leave or reload this page.
          </p>
          <p className={styles.inline}>
            <code className={styles.secret} data-testid="secret">
              {state.created.secret}
            </code>
            <CopyButton value={state.created.secret} what="the secret" testId="secret" />
          </p>
          <p className={styles.hint}>Send it as the header authorization: Bearer &lt;secret&gt;.</p>
        </section>
      )}
      <form ref={form} onSubmit={submit} className={styles.form} data-testid="create-token-form">
        <label>
          Name (a-z, 0-9, - and _)
          <input name="name" required pattern="[a-z0-9_\-]{1,64}" autoComplete="off" data-testid="token-name" />
        </label>
        {Array.from({ length: rows }, (_, index) => (
          <fieldset key={index} data-testid={`grant-${index}`}>
            <legend>Grant {index + 1}</legend>
            <label>
              Key set
              <select name={`grant_${index}_key_set`} defaultValue={keySets[1] ?? '*'} data-testid="grant-key-set">
                {keySets.map((name) => (
                  <option key={name} value={name}>
                    {name === '*' ? '* (every key set, and the service)' : name}
                  </option>
                ))}
              </select>
            </label>
            <div className={styles.row} role="group" aria-label={`Scopes of grant ${index + 1}`}>
              {scopes.map((scope) => (
                <label key={scope.value} className={styles.choice}>
                  <input
                    type="checkbox"
                    name={`grant_${index}_scopes`}
                    value={scope.value}
                    data-testid={`scope-${scope.label}`}
                  />
                  {scope.label}
                </label>
              ))}
            </div>
          </fieldset>
        ))}
        {rows < MAX_GRANTS ? (
          <div>
            <button type="button" onClick={() => setRows(rows + 1)}>
              Add a grant
            </button>
          </div>
        ) : null}
        <div className={styles.field}>
          <label htmlFor="ttl">Lifetime (empty: never expires)</label>
          <div className={styles.row}>
            <input id="ttl" name="ttl" className={styles.amount} inputMode="decimal" data-testid="ttl" />
            <select name="ttl_unit" defaultValue="days" aria-label="Unit of the lifetime">
              {DURATION_UNITS.map(([unit]) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </select>
          </div>
        </div>
        {state.error === undefined ? null : (
          <p className={styles.error} role="alert" data-testid="action-error">
            {state.error}
          </p>
        )}
        <div>
          <button type="submit" disabled={pending} data-testid="create-token">
            {pending ? 'Creating…' : 'Create token'}
          </button>
        </div>
      </form>
    </>
  );
}
