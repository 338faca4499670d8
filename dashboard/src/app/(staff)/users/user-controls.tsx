'use client';
import { useActionState, useState } from 'react';
import styles from '../../../components/actions/actions.module.css';
import { disableUser, setUserRole, type UserActionState } from './actions';

/** Change a user's role (their sessions end), or disable them after a confirmation. */
export function UserControls({ username, role }: { username: string; role: string }) {
  const [roleState, roleAction, rolePending] = useActionState<UserActionState, FormData>(setUserRole, {});
  const [disableState, disableAction, disablePending] = useActionState<UserActionState, FormData>(disableUser, {});
  const [chosen, setChosen] = useState(role);
  const [confirming, setConfirming] = useState(false);
  const error = roleState.error ?? disableState.error;
  return (
    <div className={styles.form}>
      <form action={roleAction} className={styles.inline}>
        <input type="hidden" name="username" value={username} />
        <select
          name="role"
          value={chosen}
          onChange={(event) => setChosen(event.target.value)}
          aria-label={`Role of ${username}`}
          data-testid="role-select"
        >
          <option value="viewer">viewer</option>
          <option value="operator">operator</option>
          <option value="admin">admin</option>
        </select>
        <button type="submit" disabled={rolePending || chosen === role} data-testid="change-role">
          Change role
        </button>
        {chosen === role ? null : <span className={styles.hint}>Their sessions end; they sign in again.</span>}
      </form>
      {confirming ? (
        <form action={disableAction} className={styles.inline}>
          <input type="hidden" name="username" value={username} />
          <span className={styles.error}>{username} can no longer sign in, and their sessions end now.</span>
          <button type="submit" className={styles.dangerButton} disabled={disablePending} data-testid="confirm-disable">
            Disable {username}
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <div>
          <button type="button" onClick={() => setConfirming(true)} data-testid="disable">
            Disable…
          </button>
        </div>
      )}
      {error === undefined ? null : (
        <p className={styles.error} role="alert" data-testid="action-error">
          {error}
        </p>
      )}
      {roleState.done === undefined ? null : <p aria-live="polite">{roleState.done}</p>}
    </div>
  );
}
