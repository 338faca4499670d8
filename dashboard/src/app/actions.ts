'use server';
// Server Actions are public POST endpoints: each one checks what it needs itself.
import { status } from '@grpc/grpc-js';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { dashboardConfig } from '../lib/dashboard-config';
import { call, isGrpcError } from '../lib/keyward-client';
import { safeNextPath } from '../lib/next-path';
import { retryAfterMs, waitInWords } from '../lib/retry-after';
import { endSession, startSession } from '../lib/session';
import { SESSION_COOKIE } from '../lib/session-cookie';

export interface SignInState {
  readonly error?: string;
  /** Filled in again after a failed attempt (React resets the form after each action). */
  readonly username?: string;
}

/** Login RPC; on success the session cookie is set and the user goes where they were headed. */
export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const username = form.get('username');
  const password = form.get('password');
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    return { error: 'Enter your username and password.', ...(typeof username === 'string' ? { username } : {}) };
  }
  let session;
  try {
    session = await call('login', { username, password });
  } catch (error) {
    return { error: signInError(error), username };
  }
  await startSession(session.sessionToken, session.expiresAt);
  redirect(safeNextPath(typeof form.get('next') === 'string' ? (form.get('next') as string) : '/'));
}

function signInError(error: unknown): string {
  if (isGrpcError(error, status.UNAUTHENTICATED)) return 'Wrong username or password.';
  if (isGrpcError(error, status.RESOURCE_EXHAUSTED)) {
    const wait = waitInWords(retryAfterMs(error));
    return error.details.startsWith('too many failed logins')
      ? `Too many failed sign-ins for this username: try again in ${wait}.`
      : `Keyward is refusing calls for now: try again in ${wait}.`;
  }
  if (isGrpcError(error, status.UNAVAILABLE) || isGrpcError(error, status.DEADLINE_EXCEEDED)) {
    return `Keyward does not answer at ${dashboardConfig().server}.`;
  }
  if (isGrpcError(error, status.INVALID_ARGUMENT)) return error.details;
  throw error;
}

/** Ends the session on the server (Logout RPC), then forgets the cookie. */
export async function signOut(): Promise<void> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token !== undefined && token !== '') {
    try {
      await call('logout', {}, token);
    } catch (error) {
      // Already over on the server: nothing left to end.
      if (!isGrpcError(error, status.UNAUTHENTICATED)) throw error;
    }
  }
  await endSession();
  redirect('/sign-in');
}
