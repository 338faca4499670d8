import { VerifyReason as WireVerifyReason } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { VERIFY_REASONS } from '../model/verify-reasons.js';
import { verifyReasonFromWire, verifyReasonToWire } from './verify-reason-messages.js';

describe('VerifyReason on the wire', () => {
  it('has one enum value per reason, and nothing else', () => {
    const wireNames = Object.keys(WireVerifyReason).filter(
      (name) => Number.isNaN(Number(name)) && name !== 'VERIFY_REASON_UNSPECIFIED' && name !== 'UNRECOGNIZED',
    );
    expect(wireNames).toEqual(VERIFY_REASONS.map((reason) => `VERIFY_REASON_${reason}`));
  });

  it('round-trips every reason, and knows no reason for UNSPECIFIED or unknown numbers', () => {
    for (const reason of VERIFY_REASONS) expect(verifyReasonFromWire(verifyReasonToWire(reason))).toBe(reason);
    expect(verifyReasonFromWire(WireVerifyReason.VERIFY_REASON_UNSPECIFIED)).toBeUndefined();
    expect(verifyReasonFromWire(999 as WireVerifyReason)).toBeUndefined();
  });
});
