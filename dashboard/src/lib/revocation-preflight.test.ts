import { KeyState, type GetRotationReadinessResponse, type Key, type KeySet } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { revocableKeys, revocationConsequences } from './revocation-preflight.js';

const d = (seconds: number) => ({ seconds: String(seconds), nanos: 0 });

const key = (kid: string, state: KeyState): Key => ({
  kid,
  alg: 'ES256',
  use: 'sig',
  state,
  createdAt: undefined,
  activatedAt: undefined,
  retiredAt: undefined,
  publicJwkJson: '{}',
  expiredAt: undefined,
  revokedAt: undefined,
  destroyedAt: undefined,
  revocationReason: '',
});

const KEY_SET = { name: 'payments', activeKid: 'a', policy: { maxTokenTtl: d(3_600) } } as KeySet;

const READINESS: GetRotationReadinessResponse = {
  pendingKid: '',
  window: d(86_400),
  clientsSeen: 4,
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

describe('revocation consequences', () => {
  it('offers only published keys', () => {
    const keys = [
      key('p', KeyState.KEY_STATE_PENDING),
      key('a', KeyState.KEY_STATE_ACTIVE),
      key('r', KeyState.KEY_STATE_RETIRED),
      key('e', KeyState.KEY_STATE_EXPIRED),
      key('d', KeyState.KEY_STATE_DESTROYED),
      key('x', KeyState.KEY_STATE_REVOKED),
    ];
    expect(revocableKeys(keys).map((k) => k.kid)).toEqual(['p', 'a', 'r']);
  });

  it('revoking the signer without a pending key: a new key signs at once, unknown to every client seen', () => {
    const sentences = revocationConsequences(key('a', KeyState.KEY_STATE_ACTIVE), KEY_SET, READINESS);
    expect(sentences[0]).toMatch(/^Key a leaves the JWKS at once/);
    expect(sentences[1]).toBe('It is the signing key: Keyward creates a new key that signs at once.');
    expect(sentences[2]).toMatch(
      /^4 of 4 clients seen in the last 1 day cache a JWKS that lacks that key for up to 6 minutes/,
    );
  });

  it('revoking the signer with a pending key promotes it; only clients without it fail', () => {
    const readiness = { ...READINESS, pendingKid: 'p', clientsWithPendingKey: 3 };
    const sentences = revocationConsequences(key('a', KeyState.KEY_STATE_ACTIVE), KEY_SET, readiness);
    expect(sentences[1]).toBe('It is the signing key: the pending key p signs at once in its place.');
    expect(sentences[2]).toMatch(/^1 of 4 clients/);
  });

  it('revoking a retired key breaks only its unexpired tokens', () => {
    expect(revocationConsequences(key('r', KeyState.KEY_STATE_RETIRED), KEY_SET, READINESS)[1]).toMatch(
      /at most 1 hour old\) stop verifying/,
    );
  });
});
