// Why a token does not verify: what Verify answers and what relying parties report, in the order
// the checks run (parse, key lookup and state, signature, claims). keyward.proto's VerifyReason
// holds the same names with a VERIFY_REASON_ prefix.

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

export function isVerifyReason(value: string): value is VerifyReason {
  return (VERIFY_REASONS as readonly string[]).includes(value);
}
