import { FailingKidKind, KeyState, VerifyReason, type KidDiagnosis } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { diagnosisOf, reasonName } from './kid-failures';

function row(kid: string, kind: FailingKidKind, failures: string): KidDiagnosis {
  return {
    kid,
    failures,
    reasons: [],
    kind,
    keyState: KeyState.KEY_STATE_UNSPECIFIED,
    otherKeySet: '',
    explanation: '',
    advice: '',
    suggestion: undefined,
    reportingClients: [],
    activationGap: undefined,
  };
}

describe('diagnosisOf', () => {
  const response = {
    kids: [
      row('unknown', FailingKidKind.FAILING_KID_KIND_UNKNOWN, '9'),
      row('k1', FailingKidKind.FAILING_KID_KIND_ACTIVE_KEY, '3'),
    ],
  };

  it("finds the key's own row", () => {
    expect(diagnosisOf(response, 'k1')?.failures).toBe('3');
  });

  it('finds nothing for a key without failures, and never the aggregate of unknown kids', () => {
    expect(diagnosisOf(response, 'k2')).toBeUndefined();
    expect(diagnosisOf(response, 'unknown')).toBeUndefined();
  });
});

describe('reasonName', () => {
  it('uses the short names of the API', () => {
    expect(reasonName(VerifyReason.VERIFY_REASON_BAD_SIGNATURE)).toBe('BAD_SIGNATURE');
    expect(reasonName(VerifyReason.VERIFY_REASON_UNSPECIFIED)).toBe('UNSPECIFIED');
    expect(reasonName(999 as VerifyReason)).toBe('UNSPECIFIED');
  });
});
