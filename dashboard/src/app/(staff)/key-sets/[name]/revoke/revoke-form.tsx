'use client';
import { useActionState, useState } from 'react';
import styles from '../../../../../components/actions/actions.module.css';
import { revokeKey, type RevokeState } from './actions';

export interface RevocableKey {
  readonly kid: string;
  readonly state: string;
  /** What revoking it does, in sentences (revocationConsequences). */
  readonly consequences: string[];
}

export function RevokeForm({ keys, initialKid }: { keys: RevocableKey[]; initialKid: string | undefined }) {
  const [state, action, pending] = useActionState<RevokeState, FormData>(revokeKey, {});
  const [kid, setKid] = useState(keys.some((key) => key.kid === initialKid) ? initialKid! : '');
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const chosen = keys.find((key) => key.kid === kid);
  const confirmed = chosen !== undefined && typed === chosen.kid && reason.trim() !== '';
  return (
    <form action={action} className={styles.form} data-testid="revoke-form">
      <fieldset>
        <legend>Key to revoke</legend>
        {keys.map((key) => (
          <label key={key.kid} className={styles.choice}>
            <input
              type="radio"
              name="kid"
              value={key.kid}
              checked={kid === key.kid}
              onChange={() => {
                setKid(key.kid);
                setTyped('');
              }}
              data-testid={`choose-${key.kid}`}
            />
            <span>
              <code>{key.kid}</code> ({key.state})
            </span>
          </label>
        ))}
      </fieldset>
      {chosen === undefined ? null : (
        <>
          <section aria-labelledby="consequences-title">
            <h2 id="consequences-title">What happens</h2>
            <ul className={`${styles.consequences} ${styles.danger}`} data-testid="consequences">
              {chosen.consequences.map((sentence) => (
                <li key={sentence}>{sentence}</li>
              ))}
            </ul>
          </section>
          <label>
            Reason (kept with the key and in the audit trail)
            <textarea
              name="reason"
              required
              rows={2}
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              data-testid="reason"
            />
          </label>
          <label>
            <span>
              Type the kid <code>{chosen.kid}</code> to confirm
            </span>
            <input
              name="confirm_kid"
              autoComplete="off"
              spellCheck={false}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              data-testid="confirm-kid"
            />
          </label>
        </>
      )}
      {state.error === undefined ? null : (
        <p className={styles.error} role="alert" data-testid="action-error">
          {state.error}
        </p>
      )}
      <div>
        <button type="submit" className={styles.dangerButton} disabled={pending || !confirmed} data-testid="revoke">
          {pending ? 'Revoking…' : 'Revoke this key'}
        </button>
      </div>
      {state.done === undefined ? null : (
        <section className={styles.result} aria-live="polite" data-testid="revocation-result">
          <h2>Key revoked</h2>
          <dl>
            <dt>Revoked</dt>
            <dd>
              <code>{state.done.revokedKid}</code>
            </dd>
            <dt>Signs now</dt>
            <dd>
              <code data-testid="replacement-kid">{state.done.replacementKid || 'unchanged'}</code>
            </dd>
          </dl>
          {state.done.warning === '' ? null : <p className={styles.error}>{state.done.warning}</p>}
        </section>
      )}
    </form>
  );
}
