'use client';
import { useActionState, useState } from 'react';
import styles from '../../../components/actions/actions.module.css';
import { revokeToken, type RevokeTokenState } from './actions';

/** "Revoke…", then what it does and a confirmation, in place. */
export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<RevokeTokenState, FormData>(revokeToken, {});
  const [open, setOpen] = useState(false);
  if (state.revoked === true) return <>revoked</>;
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} data-testid="revoke-token">
        Revoke…
      </button>
    );
  }
  return (
    <form action={action} className={styles.form} data-testid="confirm-revoke-token">
      <input type="hidden" name="id" value={id} />
      <p className={styles.error}>
        Every call made with {name} fails from now on, on every replica. This cannot be undone.
      </p>
      <label>
        Reason
        <input name="reason" autoComplete="off" />
      </label>
      {state.error === undefined ? null : (
        <p className={styles.error} role="alert" data-testid="action-error">
          {state.error}
        </p>
      )}
      <div className={styles.inline}>
        <button type="submit" className={styles.dangerButton} disabled={pending} data-testid="confirm-revoke">
          Revoke {name}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}
