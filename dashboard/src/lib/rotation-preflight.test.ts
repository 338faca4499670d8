import { ExcessTtl, type GetRotationReadinessResponse, type KeySet } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { rotationPreflight } from './rotation-preflight.js';

const d = (seconds: number) => ({ seconds: String(seconds), nanos: 0 });
const NOW = new Date('2026-01-01T00:00:00Z');

const KEY_SET: KeySet = {
  name: 'payments',
  algorithm: 'ES256',
  rsaModulusBits: 0,
  kidScheme: 1,
  issuer: 'https://issuer.example',
  jwksUri: 'https://issuer.example/jwks',
  activeKid: 'old-kid',
  policyWarnings: [],
  createdAt: NOW,
  policy: {
    algorithm: 'ES256',
    rotationPeriod: d(30 * 86_400),
    prePublishPeriod: d(600),
    gracePeriod: d(86_400),
    retentionPeriod: d(30 * 86_400),
    maxTokenTtl: d(3_600),
    excessTtl: ExcessTtl.EXCESS_TTL_REFUSE,
    autoRotate: true,
    activationReadiness: undefined,
  },
};

const IDLE: GetRotationReadinessResponse = {
  pendingKid: '',
  window: d(86_400),
  clientsSeen: 7,
  clientsWithPendingKey: 0,
  share: 0,
  minShare: 0,
  eligibleAt: undefined,
  deadline: undefined,
  jwksMaxAge: d(300),
  jwksCacheHorizon: d(360),
  clientsWithoutPendingKey: [],
  moreClientsWithoutPendingKey: 0,
};

describe('rotationPreflight', () => {
  it('with nothing pending: scheduled publishes now and signs after the pre-publish period', () => {
    const preflight = rotationPreflight(KEY_SET, IDLE, NOW);
    expect(preflight.scheduled[0]).toBe(
      'A new key is published in the JWKS now and starts signing after the pre-publish period of 10 minutes, at 2026-01-01T00:10:00Z at the earliest.',
    );
    expect(preflight.scheduled.at(-1)).toBe(
      'Until then key old-kid keeps signing; afterwards it stays published for 1 day so its tokens verify.',
    );
  });

  it('with nothing pending: immediate fails every client seen, for up to the cache horizon', () => {
    const preflight = rotationPreflight(KEY_SET, IDLE, NOW);
    expect(preflight).toMatchObject({ clientsUnprepared: 7, clientsSeen: 7 });
    expect(preflight.immediate[1]).toMatch(
      /^7 of 7 clients seen in the last 1 day cache a JWKS that lacks the new key for up to 6 minutes \(max-age 5 minutes/,
    );
  });

  it('with a pending key: immediate fails only the clients that have not fetched it', () => {
    const readiness = {
      ...IDLE,
      pendingKid: 'new-kid',
      clientsSeen: 8,
      clientsWithPendingKey: 6,
      share: 0.75,
      eligibleAt: new Date('2026-01-01T00:05:00Z'),
    };
    const preflight = rotationPreflight(KEY_SET, readiness, NOW);
    expect(preflight.clientsUnprepared).toBe(2);
    expect(preflight.immediate[0]).toBe(
      'The pending key new-kid signs at once, without waiting for its pre-publish period.',
    );
    expect(preflight.scheduled).toContain('Of the 8 clients seen in the last 1 day, 6 already hold it (75%).');
    expect(preflight.scheduled[0]).toMatch(/already under way: key new-kid is pending/);
  });

  it('describes an activation hold', () => {
    const keySet = {
      ...KEY_SET,
      policy: { ...KEY_SET.policy!, activationReadiness: { minShare: 0.8, maxDelay: d(3_600) } },
    };
    expect(rotationPreflight(keySet, IDLE, NOW).scheduled).toContain(
      'The activation hold waits until 80% of recent clients hold the new key, at most 1 hour past the pre-publish period.',
    );
  });
});
