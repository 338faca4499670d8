// Where to go after signing in: `?next=` comes from the address bar, so it is untrusted input.
// Only a path on this same origin is followed; anything else (`//evil.test`, `/\evil.test`,
// `https://evil.test`, control characters) falls back to the overview.

const PROBE_ORIGIN = 'http://dashboard.invalid';

/** `raw` when it is a path of this site (with its query and fragment), else "/". */
export function safeNextPath(raw: string | null | undefined): string {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//')) return '/';
  // Browsers read a backslash as a slash, and drop tabs and newlines, before resolving.
  if (/[\\\u0000-\u001f\u007f]/.test(raw)) return '/';
  let url: URL;
  try {
    url = new URL(raw, PROBE_ORIGIN);
  } catch {
    return '/';
  }
  // Dot segments are resolved only now: "/..//evil.test" becomes "//evil.test", another site.
  if (url.origin !== PROBE_ORIGIN || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The sign-in page, set to come back to `path` afterwards. */
export function signInPath(path: string): string {
  const next = safeNextPath(path);
  return next === '/' ? '/sign-in?next=%2F' : `/sign-in?next=${encodeURIComponent(next)}`;
}
