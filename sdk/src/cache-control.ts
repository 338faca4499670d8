// The Cache-Control directives a JWKS cache acts on (RFC 9111 §5.2.2, RFC 5861).

export interface CacheDirectives {
  /** Seconds; undefined when absent or unparsable. */
  readonly maxAge?: number;
  readonly staleWhileRevalidate?: number;
  readonly staleIfError?: number;
  /** no-store or no-cache: the response may not be reused without revalidation. */
  readonly noReuse: boolean;
}

export function parseCacheControl(header: string | null): CacheDirectives {
  const seconds: Record<string, number> = {};
  let noReuse = false;
  for (const part of (header ?? '').split(',')) {
    const [rawName, rawValue] = part.split('=', 2) as [string, string | undefined];
    const name = rawName.trim().toLowerCase();
    if (name === 'no-store' || name === 'no-cache') noReuse = true;
    const value = rawValue?.trim().replace(/^"(.*)"$/, '$1');
    if (value !== undefined && /^\d{1,10}$/.test(value)) seconds[name] = Number(value);
  }
  return {
    noReuse,
    ...(seconds['max-age'] === undefined ? {} : { maxAge: seconds['max-age'] }),
    ...(seconds['stale-while-revalidate'] === undefined
      ? {}
      : { staleWhileRevalidate: seconds['stale-while-revalidate'] }),
    ...(seconds['stale-if-error'] === undefined ? {} : { staleIfError: seconds['stale-if-error'] }),
  };
}
