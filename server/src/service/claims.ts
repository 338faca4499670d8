import { invalidArgument } from '../errors.js';

export const MAX_CLAIMS_BYTES = 64 * 1024;
// Far beyond any real token, far below what would overflow the stack when serializing.
export const MAX_CLAIMS_DEPTH = 64;

const STRING_CLAIMS = ['iss', 'sub', 'jti'] as const;
const NUMERIC_DATE_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/** The key set's bound on token lifetime, which its grace period is sized to cover. */
export interface TokenLifetime {
  readonly maxSeconds: number;
  /** An `exp` beyond the bound: refuse the request, or lower `exp` to the bound. */
  readonly excess: 'refuse' | 'clamp';
}

/**
 * Turns the caller's claims into the JWT payload bytes. The claims are re-serialized rather than
 * passed through, so verifiers never see duplicate members or odd encodings that different JSON
 * parsers might read differently.
 *
 * Every token gets an `exp` within the key set's max_token_ttl: a token without one would outlive
 * the grace period of the key that signed it.
 */
export interface PreparedClaims {
  readonly bytes: Buffer;
  /** The token's `exp`: the signing key stays published until then. */
  readonly expiresAt: Date;
}

export function prepareClaims(claimsJson: string, now: Date, lifetime: TokenLifetime): PreparedClaims {
  const size = Buffer.byteLength(claimsJson, 'utf8');
  if (size > MAX_CLAIMS_BYTES) {
    throw invalidArgument('claims_json', `is ${size} bytes; the limit is ${MAX_CLAIMS_BYTES}`);
  }
  let claims: unknown;
  try {
    claims = JSON.parse(claimsJson);
  } catch {
    throw invalidArgument('claims_json', 'is not valid JSON');
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw invalidArgument('claims_json', 'must be a JSON object');
  }
  const record = claims as Record<string, unknown>;
  if (depthOf(record) > MAX_CLAIMS_DEPTH) {
    throw invalidArgument('claims_json', `is nested more than ${MAX_CLAIMS_DEPTH} levels deep`);
  }
  checkRegisteredClaims(record);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  if (!Object.hasOwn(record, 'iat')) record.iat = nowSeconds;
  const latestExp = nowSeconds + lifetime.maxSeconds;
  if (!Object.hasOwn(record, 'exp')) {
    record.exp = latestExp;
  } else if ((record.exp as number) > latestExp) {
    if (lifetime.excess === 'refuse') {
      throw invalidArgument(
        'claims_json.exp',
        `is ${(record.exp as number) - nowSeconds}s from now; this key set's max_token_ttl is ${lifetime.maxSeconds}s`,
      );
    }
    record.exp = latestExp;
  }
  return { bytes: Buffer.from(JSON.stringify(record), 'utf8'), expiresAt: new Date((record.exp as number) * 1000) };
}

/** RFC 7519 §4.1: wrong types here would make every verifier reject the token later. */
function checkRegisteredClaims(claims: Record<string, unknown>): void {
  for (const name of STRING_CLAIMS) {
    if (Object.hasOwn(claims, name) && typeof claims[name] !== 'string') {
      throw invalidArgument(`claims_json.${name}`, 'must be a string');
    }
  }
  for (const name of NUMERIC_DATE_CLAIMS) {
    const value = claims[name];
    if (Object.hasOwn(claims, name) && (typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
      throw invalidArgument(`claims_json.${name}`, 'must be a NumericDate (seconds since the epoch)');
    }
  }
  if (Object.hasOwn(claims, 'aud')) {
    const aud = claims.aud;
    const valid = typeof aud === 'string' || (Array.isArray(aud) && aud.every((item) => typeof item === 'string'));
    if (!valid) throw invalidArgument('claims_json.aud', 'must be a string or an array of strings');
  }
}

/** Nesting depth of a parsed JSON value, without recursion (so it cannot overflow itself). */
function depthOf(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_CLAIMS_DEPTH) return deepest;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}
