import { invalidArgument } from '../errors.js';

export const MAX_CLAIMS_BYTES = 64 * 1024;

const STRING_CLAIMS = ['iss', 'sub', 'jti'] as const;
const NUMERIC_DATE_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/**
 * Turns the caller's claims into the JWT payload bytes. The claims are re-serialized rather than
 * passed through, so verifiers never see duplicate members or odd encodings that different JSON
 * parsers might read differently.
 */
export function prepareClaims(claimsJson: string, now: Date): Buffer {
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
  checkRegisteredClaims(record);
  if (!Object.hasOwn(record, 'iat')) record.iat = Math.floor(now.getTime() / 1000);
  return Buffer.from(JSON.stringify(record), 'utf8');
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
