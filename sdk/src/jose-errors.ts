// jose's verification errors in Keyward's vocabulary.
import { errors } from 'jose';
import type { VerifyReason } from './verify-reasons.js';

/** Claims whose failed check has a reason of its own; any other claim failure is a malformed token. */
const CLAIM_REASONS: Readonly<Record<string, VerifyReason>> = {
  nbf: 'NOT_YET_VALID',
  iss: 'ISSUER_MISMATCH',
  aud: 'AUDIENCE_MISMATCH',
  typ: 'TYPE_MISMATCH',
};

/** The reason for an error jwtVerify threw; undefined when it is not a verification failure. */
export function reasonOfJoseError(error: unknown): VerifyReason | undefined {
  if (error instanceof errors.JWTExpired) return 'EXPIRED';
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.reason === 'invalid' ? 'MALFORMED' : (CLAIM_REASONS[error.claim] ?? 'MALFORMED');
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'BAD_SIGNATURE';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'ALG_MISMATCH';
  if (error instanceof errors.JOSENotSupported) return 'UNSUPPORTED_ALG';
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return 'MALFORMED';
  if (error instanceof errors.JWKInvalid) return 'ALG_MISMATCH';
  return undefined;
}
