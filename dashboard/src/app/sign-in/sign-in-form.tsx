'use client';
import { useActionState } from 'react';
import { signIn, type SignInState } from '../actions';

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signIn, {});
  return (
    <form action={action} className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to Keyward</h1>
      <input type="hidden" name="next" value={next} />
      <label>
        Username
        <input name="username" autoComplete="username" required defaultValue={state.username} data-testid="username" />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required data-testid="password" />
      </label>
      {state.error === undefined ? null : (
        <p className="error" role="alert" data-testid="sign-in-error">
          {state.error}
        </p>
      )}
      <button type="submit" disabled={pending} data-testid="sign-in">
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
