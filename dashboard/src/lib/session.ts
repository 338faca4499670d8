// The staff session: its token lives in an HttpOnly, SameSite=Strict cookie and goes to Keyward as
// the bearer token of every call. Keyward alone decides whether it is still good: any call that
// comes back UNAUTHENTICATED sends the user to sign-in, and back to the page afterwards.
import 'server-only';
import { status } from '@grpc/grpc-js';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { Scope } from '@keyward/proto/keyward/v1';
import { dashboardConfig } from './dashboard-config';
import { call, isGrpcError, type RequestOf, type ResponseOf, type UnaryName } from './keyward-client';
import { signInPath } from './next-path';
import { PATH_HEADER, SESSION_COOKIE } from './session-cookie';

/** The session token, or a redirect to sign-in when there is none. */
export async function sessionToken(): Promise<string> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  if (token === undefined || token === '') return redirectToSignIn();
  return token;
}

/** Sign-in, then back to the page being rendered (as the proxy recorded it). */
export async function redirectToSignIn(): Promise<never> {
  redirect(signInPath((await headers()).get(PATH_HEADER) ?? '/'));
}

/**
 * One RPC with the session's token. UNAUTHENTICATED (expired, logged out, disabled) goes to
 * sign-in; every other error is the page's to show.
 */
export async function callAsStaff<M extends UnaryName>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>> {
  const token = await sessionToken();
  try {
    return await call(method, request, token);
  } catch (error) {
    if (isGrpcError(error, status.UNAUTHENTICATED)) return redirectToSignIn();
    throw error;
  }
}

/**
 * Stores a new session: the cookie expires with the session; Secure as configured (by default when
 * the request came over https, as the TLS-terminating proxy says).
 */
export async function startSession(token: string, expiresAt: Date | undefined): Promise<void> {
  const { secureCookie } = dashboardConfig();
  const secure =
    secureCookie === 'always' || (secureCookie === 'auto' && (await headers()).get('x-forwarded-proto') === 'https');
  (await cookies()).set(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/',
    ...(expiresAt === undefined ? {} : { expires: expiresAt }),
  });
}

export async function endSession(): Promise<void> {
  (await cookies()).delete({ name: SESSION_COOKIE, path: '/' });
}

export type StaffRole = 'admin' | 'operator' | 'viewer';

export interface Staff {
  readonly username: string;
  readonly role: StaffRole | 'unknown';
}

/** Who is signed in, once per request (the layout and the page share it). */
export const currentStaff = cache(async (): Promise<Staff> => {
  const { principal, grants } = await callAsStaff('whoAmI', {});
  const scopes = new Set(grants.filter((grant) => grant.keySet === '*').flatMap((grant) => grant.scopes));
  return { username: principal.replace(/^user:/, ''), role: roleOf(scopes) };
});

/** A staff role is a fixed set of grants on every key set (server/src/model/roles.ts). */
function roleOf(scopes: ReadonlySet<Scope>): Staff['role'] {
  if (scopes.has(Scope.SCOPE_ADMIN)) return 'admin';
  if (scopes.has(Scope.SCOPE_OPERATE)) return 'operator';
  if (scopes.has(Scope.SCOPE_READ)) return 'viewer';
  return 'unknown';
}
