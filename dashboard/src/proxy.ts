// Runs before every page and Server Action. It only does what needs no round trip to Keyward: the
// optimistic redirect to sign-in when there is no session cookie at all, and the security headers.
// Each page and Server Action still checks the session itself (lib/session.ts).
import { NextResponse, type NextRequest } from 'next/server';
import { signInPath } from './lib/next-path';
import { contentSecurityPolicy, newNonce, PAGE_HEADERS } from './lib/security-headers';
import { PATH_HEADER, SESSION_COOKIE } from './lib/session-cookie';

const PUBLIC_PATHS = new Set(['/sign-in']);

export function proxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  const nonce = newNonce();
  const csp = contentSecurityPolicy(nonce);

  let response: NextResponse;
  if (!PUBLIC_PATHS.has(pathname) && !request.cookies.has(SESSION_COOKIE)) {
    response = NextResponse.redirect(new URL(signInPath(`${pathname}${search}`), request.url), 303);
  } else {
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set('Content-Security-Policy', csp);
    requestHeaders.set(PATH_HEADER, `${pathname}${search}`);
    response = NextResponse.next({ request: { headers: requestHeaders } });
  }
  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(PAGE_HEADERS)) response.headers.set(name, value);
  return response;
}

export const config = {
  // Static assets need no nonce and no session (next.config.ts gives them nosniff).
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
