// VerifyReason between the service's names and the keyward.v1 enum.
import { VerifyReason as WireVerifyReason } from '@keyward/proto/keyward/v1';
import { VERIFY_REASONS, type VerifyReason } from '../model/verify-reasons.js';

const WIRE: Readonly<Record<VerifyReason, WireVerifyReason>> = Object.fromEntries(
  VERIFY_REASONS.map((reason) => [reason, WireVerifyReason[`VERIFY_REASON_${reason}`]]),
) as Record<VerifyReason, WireVerifyReason>;

export function verifyReasonToWire(reason: VerifyReason): WireVerifyReason {
  return WIRE[reason];
}

/** Undefined for UNSPECIFIED or a number this service does not know. */
export function verifyReasonFromWire(wire: WireVerifyReason): VerifyReason | undefined {
  return VERIFY_REASONS.find((reason) => WIRE[reason] === wire);
}
