// Why a token does not verify, in Keyward's own words: the same names its Verify RPC answers and its
// failure-report endpoint accepts. A copy, not an import: installing the SDK must not install the
// server (test/sdk-vocabulary.test.ts keeps the two lists equal).

export const VERIFY_REASONS = [
  'MALFORMED',
  'UNSUPPORTED_ALG',
  'ALG_MISMATCH',
  'UNKNOWN_KID',
  'KEY_REVOKED',
  'KEY_EXPIRED',
  'BAD_SIGNATURE',
  'EXPIRED',
  'NOT_YET_VALID',
  'ISSUER_MISMATCH',
  'AUDIENCE_MISMATCH',
  'TYPE_MISMATCH',
] as const;
export type VerifyReason = (typeof VERIFY_REASONS)[number];

/** A token that does not verify; `reason` says why, `kid` and `alg` are what its header named. */
export class KeywardVerificationError extends Error {
  override readonly name = 'KeywardVerificationError';

  constructor(
    readonly reason: VerifyReason,
    message: string,
    readonly kid?: string,
    readonly alg?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The JWKS could not be fetched and no copy within its stale-if-error allowance is held. */
export class JwksUnavailableError extends Error {
  override readonly name = 'JwksUnavailableError';
}
