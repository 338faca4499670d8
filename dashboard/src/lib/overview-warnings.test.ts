import { KeyState, type GetRotationReadinessResponse, type KeyTimeline } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { overviewWarnings, readinessWarning, retentionWarnings } from './overview-warnings.js';

const NOW = new Date('2030-01-10T12:00:00Z');
const inHours = (hours: number) => new Date(NOW.getTime() + hours * 3_600_000);
const KID = 'pending-kid-0123456789';

function readiness(fields: Partial<GetRotationReadinessResponse>): GetRotationReadinessResponse {
  return {
    pendingKid: KID,
    window: { seconds: '86400', nanos: 0 },
    clientsSeen: 10,
    clientsWithPendingKey: 2,
    share: 0.2,
    minShare: 0,
    eligibleAt: inHours(1),
    deadline: undefined,
    clientsWithoutPendingKey: [],
    moreClientsWithoutPendingKey: 0,
    ...fields,
  };
}

function key(kid: string, state: KeyState, next: KeyState, at: Date): KeyTimeline {
  return {
    kid,
    alg: 'ES256',
    state,
    intervals: [
      { state, start: inHours(-100), end: at, scheduled: false },
      { state: next, start: at, end: undefined, scheduled: true },
    ],
  };
}

describe('readinessWarning', () => {
  it('flags a pending key few clients have when it may sign soon', () => {
    expect(readinessWarning(readiness({}), NOW)).toBe(
      '2 of 10 recent clients (20%) have pending key pending-…; it may start signing in 1 hour, and clients without it will fail.',
    );
    expect(readinessWarning(readiness({ eligibleAt: inHours(7) }), NOW)).toBeUndefined();
    expect(readinessWarning(readiness({ share: 0.5, clientsWithPendingKey: 5 }), NOW)).toBeUndefined();
  });

  it('flags a share below the activation hold, whenever it is due', () => {
    const held = readiness({ minShare: 0.8, eligibleAt: inHours(48), deadline: inHours(72) });
    expect(readinessWarning(held, NOW)).toBe(
      '2 of 10 recent clients (20%) have pending key pending-…; the activation hold needs 80%; it activates anyway in 3 days.',
    );
    expect(readinessWarning({ ...held, share: 0.8 }, NOW)).toBeUndefined();
  });

  it('says nothing without a pending key or without clients', () => {
    expect(readinessWarning(readiness({ pendingKid: '' }), NOW)).toBeUndefined();
    expect(readinessWarning(readiness({ clientsSeen: 0, share: 0 }), NOW)).toBeUndefined();
  });
});

describe('retentionWarnings', () => {
  it('flags an expired key destroyed within 7 days and a retired key unpublished within the hour', () => {
    expect(
      retentionWarnings(
        [
          key('expired-soon-kid', KeyState.KEY_STATE_EXPIRED, KeyState.KEY_STATE_DESTROYED, inHours(48)),
          key('expired-later-kid', KeyState.KEY_STATE_EXPIRED, KeyState.KEY_STATE_DESTROYED, inHours(24 * 8)),
          key('retired-soon-kid', KeyState.KEY_STATE_RETIRED, KeyState.KEY_STATE_EXPIRED, inHours(0.5)),
          key('retired-later-kid', KeyState.KEY_STATE_RETIRED, KeyState.KEY_STATE_EXPIRED, inHours(5)),
          key('active-kid-000000', KeyState.KEY_STATE_ACTIVE, KeyState.KEY_STATE_RETIRED, inHours(0.5)),
        ],
        NOW,
      ),
    ).toEqual([
      'Expired key expired-…: its private key is destroyed in 2 days.',
      'Retired key retired-… is unpublished in 30 minutes: tokens it signed stop verifying then.',
    ]);
  });
});

describe('overviewWarnings', () => {
  it('puts the policy first, then readiness, spike and retention', () => {
    const warnings = overviewWarnings({
      policyWarnings: ['grace_period: too short'],
      readiness: readiness({}),
      spike: { lastHour: 30, baselinePerHour: 1, spiking: true },
      keys: [key('expired-soon-kid', KeyState.KEY_STATE_EXPIRED, KeyState.KEY_STATE_DESTROYED, inHours(1))],
      now: NOW,
    });
    expect(warnings.map(({ kind }) => kind)).toEqual(['policy', 'readiness', 'spike', 'retention']);
    expect(warnings[0]!.text).toBe('The policy strands tokens: grace_period: too short.');
    expect(warnings[2]!.text).toBe('Failing spike: 30 failures in the last hour against 1.0 an hour before.');
  });
});
