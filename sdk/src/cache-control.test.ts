import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCacheControl } from './cache-control.js';

describe('parseCacheControl', () => {
  it("reads Keyward's JWKS header", () => {
    expect(parseCacheControl('public, max-age=300, stale-while-revalidate=60, stale-if-error=86400')).toEqual({
      noReuse: false,
      maxAge: 300,
      staleWhileRevalidate: 60,
      staleIfError: 86_400,
    });
  });

  it('is case-insensitive, accepts quoted values, and ignores what it cannot read', () => {
    expect(parseCacheControl('Max-Age="120", stale-if-error=-1, stale-while-revalidate=abc')).toEqual({
      noReuse: false,
      maxAge: 120,
    });
    expect(parseCacheControl('no-store')).toEqual({ noReuse: true });
    expect(parseCacheControl('no-cache, max-age=60')).toEqual({ noReuse: true, maxAge: 60 });
    expect(parseCacheControl(null)).toEqual({ noReuse: false });
  });

  it('never throws and yields only whole non-negative seconds', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (header) => {
        const parsed = parseCacheControl(header);
        for (const value of [parsed.maxAge, parsed.staleWhileRevalidate, parsed.staleIfError]) {
          if (value !== undefined) expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
        }
      }),
    );
  });
});
