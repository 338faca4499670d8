'use client';
import { useActionState } from 'react';
import styles from '../../../components/actions/actions.module.css';
import { createUser, type UserActionState } from './actions';

export function CreateUserForm() {
  const [state, action, pending] = useActionState<UserActionState, FormData>(createUser, {});
  return (
    <form action={action} className={styles.form} data-testid="create-user-form">
      <div className={styles.row}>
        <label>
          Username
          <input name="username" required autoComplete="off" data-testid="new-username" />
        </label>
        <label>
          Role
          <select name="role" defaultValue="viewer" data-testid="new-role">
            <option value="viewer">viewer</option>
            <option value="operator">operator</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Password (at least 12 characters)
          <input
            name="password"
            type="password"
            required
            minLength={12}
            autoComplete="new-password"
            data-testid="new-password"
          />
        </label>
      </div>
      {state.error === undefined ? null : (
        <p className={styles.error} role="alert" data-testid="action-error">
          {state.error}
        </p>
      )}
      {state.done === undefined ? null : (
        <p aria-live="polite" data-testid="action-done">
          {state.done}
        </p>
      )}
      <div>
        <button type="submit" disabled={pending} data-testid="create-user">
          {pending ? 'Creating…' : 'Create user'}
        </button>
      </div>
    </form>
  );
}
