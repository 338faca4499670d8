import { describe, expect, it } from 'vitest';
import { key, POLICY, t } from '../lifecycle/test-support/fixtures.js';
import type { FailureTotal } from '../model/verification-failures.js';
import type { VerifyReason } from '../model/verify-reasons.js';
import { activationGapKeys, diagnose, type DiagnosisFacts } from './diagnosis.js';

const total = (kid: string, reason: VerifyReason, count: number, lastAt: Date, client = 'token:rp'): FailureTotal => ({
  kid,
  reason,
  client,
  count: BigInt(count),
  lastAt,
});

const KEYS = [
  key('expired', 'EXPIRED', { activatedAt: t(0), retiredAt: t(3_600), expiredAt: t(10_800) }),
  key('retired', 'RETIRED', { createdAt: t(3_000), activatedAt: t(3_600), retiredAt: t(7_200) }),
  key('active', 'ACTIVE', { createdAt: t(7_200), activatedAt: t(7_200) }),
  key('pending', 'PENDING', { createdAt: t(9_000) }),
  key('revoked', 'REVOKED', { activatedAt: t(0), revokedAt: t(100) }),
];

function facts(totals: FailureTotal[], extra: Partial<DiagnosisFacts> = {}): DiagnosisFacts {
  return {
    policy: POLICY,
    jwksMaxAgeSeconds: 300,
    keys: KEYS,
    totals,
    unknownKidSamples: [],
    otherKeySetOf: (kid) => (kid === 'theirs' ? 'billing' : undefined),
    sightings: new Map([['active', { seen: 10, holdingKey: 7 }]]),
    ...extra,
  };
}

describe('diagnose', () => {
  it('names each kind, sorted by failures, with counts per reason and the reporting clients', () => {
    const result = diagnose(
      facts(
        [
          total('revoked', 'UNKNOWN_KID', 50, t(11_000)),
          total('pending', 'UNKNOWN_KID', 2, t(9_600)),
          total('unknown', 'UNKNOWN_KID', 7, t(9_600), 'token:a'),
          total('unknown', 'BAD_SIGNATURE', 1, t(9_600), 'token:b'),
        ],
        { unknownKidSamples: ['theirs', 'forged'] },
      ),
    );
    expect(result.map((d) => [d.kid, d.kind, d.failures, d.otherKeySet])).toEqual([
      ['revoked', 'REVOKED_KEY', 50n, undefined],
      ['unknown', 'UNKNOWN', 8n, undefined],
      ['pending', 'PENDING_KEY', 2n, undefined],
      ['forged', 'UNKNOWN', 0n, undefined],
      ['theirs', 'OTHER_KEY_SET', 0n, 'billing'],
    ]);
    expect(result[1]!.reasons).toEqual([
      { reason: 'UNKNOWN_KID', count: 7n },
      { reason: 'BAD_SIGNATURE', count: 1n },
    ]);
    expect(result[1]!.reportingClients).toEqual(['token:a', 'token:b']);
    expect(result[0]!.keyState).toBe('REVOKED');
    expect(result[0]!.advice).toMatch(/^None needed, unless the count keeps rising/);
    expect(result[4]!.advice).toContain('"billing"');
  });

  it('suggests the grace period that would have covered failures after the key left the JWKS', () => {
    // Retired at t(3_600), grace 7_200 s; the latest failure bucket ends at t(12_000) + 30 s.
    const [expired] = diagnose(facts([total('expired', 'UNKNOWN_KID', 4, t(12_030))]));
    expect(expired!.kind).toBe('EXPIRED_KEY');
    expect(expired!.suggestion).toEqual({ field: 'grace_period', currentSeconds: 7_200, suggestedSeconds: 8_460 });
    expect(expired!.explanation).toContain('the grace period is too short');
  });

  it('blames JWKS caching when failures fell within the grace period', () => {
    const [retired] = diagnose(facts([total('retired', 'UNKNOWN_KID', 4, t(8_000))]));
    expect(retired!.kind).toBe('RETIRED_KEY');
    expect(retired!.suggestion).toBeUndefined();
    expect(retired!.explanation).toContain('JWKS caching is the cause');
  });

  it('gives an active key with UNKNOWN_KID after activation an activation gap and a pre-publish suggestion', () => {
    const totals = [total('active', 'UNKNOWN_KID', 9, t(7_200 + 1_500))];
    expect(activationGapKeys(KEYS, totals).map((k) => k.kid)).toEqual(['active']);
    const [active] = diagnose(facts(totals));
    expect(active!.kind).toBe('ACTIVE_KEY');
    expect(active!.activationGap).toEqual({
      activatedAt: t(7_200),
      clientsSeen: 10,
      clientsWithoutKey: 3,
      prePublishPeriodSeconds: 600,
      jwksMaxAgeSeconds: 300,
    });
    expect(active!.suggestion).toEqual({ field: 'pre_publish_period', currentSeconds: 600, suggestedSeconds: 1_500 });
  });

  it('gives an active key with other reasons no gap and no suggestion', () => {
    const totals = [total('active', 'EXPIRED', 9, t(8_000))];
    expect(activationGapKeys(KEYS, totals)).toEqual([]);
    const [active] = diagnose(facts(totals));
    expect(active).toMatchObject({ kind: 'ACTIVE_KEY', activationGap: undefined, suggestion: undefined });
  });

  it('lists no samples when nothing was counted as unknown, and calls a missing kid UNKNOWN', () => {
    const result = diagnose(facts([total('', 'MALFORMED', 3, t(60))], { unknownKidSamples: ['forged'] }));
    expect(result.map((d) => [d.kid, d.kind])).toEqual([['', 'UNKNOWN']]);
  });
});
