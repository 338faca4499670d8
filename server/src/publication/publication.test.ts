import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPolicy } from '../lifecycle/policy.js';
import type { KeyState } from '../lifecycle/states.js';
import { FRESH_KEY_LIFECYCLE, type KeyRecord } from '../model/key.js';
import type { KeySetRecord } from '../model/key-set.js';
import { buildDiscovery } from './discovery.js';
import { buildJwks, type PublishedJwk } from './jwks.js';

const KEY_SET: KeySetRecord = {
  id: 'ks',
  name: 'web',
  kidScheme: 'jwk-thumbprint',
  issuer: null,
  createdAt: new Date(0),
  policy: defaultPolicy('ES256', undefined, { jwksMaxAgeSeconds: 300, staleWhileRevalidateSeconds: 60 }),
};

function key(kid: string, state: KeyState, createdAt: number, alg: KeyRecord['alg'] = 'ES256'): KeyRecord {
  return {
    id: kid,
    keySetId: 'ks',
    kid,
    alg,
    use: 'sig',
    state,
    publicJwk: { kty: 'EC', crv: 'P-256', x: `x-${kid}`, y: `y-${kid}` },
    createdAt: new Date(createdAt),
    ...FRESH_KEY_LIFECYCLE,
    activatedAt: null,
    sealed: null,
  };
}

const KEYS = [
  key('retired-old', 'RETIRED', 1),
  key('revoked', 'REVOKED', 2),
  key('retired-new', 'RETIRED', 3),
  key('active', 'ACTIVE', 4),
  key('expired', 'EXPIRED', 0),
  key('destroyed', 'DESTROYED', 0),
  key('pending', 'PENDING', 5),
];

describe('buildJwks', () => {
  it('publishes PENDING, ACTIVE and RETIRED keys only: the signer first, then pending, then retired newest first', () => {
    const kids = (JSON.parse(buildJwks(KEYS).text) as { keys: PublishedJwk[] }).keys.map((jwk) => jwk.kid);
    expect(kids).toEqual(['active', 'pending', 'retired-new', 'retired-old']);
  });

  it('writes identification then public members, and drops anything else a stored JWK carries', () => {
    const leaky = {
      ...key('k', 'ACTIVE', 1),
      publicJwk: { kty: 'EC', crv: 'P-256', x: 'X', y: 'Y', d: 'SECRET' } as never,
    };
    expect(buildJwks([leaky]).text).toBe(
      '{"keys":[{"kty":"EC","kid":"k","use":"sig","alg":"ES256","crv":"P-256","x":"X","y":"Y"}]}',
    );
  });

  it('gives the same bytes and ETag for the same keys in any order, a different ETag for other keys', () => {
    const reference = buildJwks(KEYS);
    fc.assert(
      fc.property(fc.shuffledSubarray(KEYS, { minLength: KEYS.length }), (shuffled) => {
        const built = buildJwks(shuffled);
        expect(built.body.equals(reference.body)).toBe(true);
        expect(built.etag).toBe(reference.etag);
      }),
    );
    expect(buildJwks(KEYS.slice(1)).etag).not.toBe(reference.etag);
    expect(reference.etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
  });
});

describe('buildDiscovery', () => {
  it('names the issuer, the jwks_uri and the algorithms of the published keys', () => {
    const keys = [key('a', 'ACTIVE', 2, 'ES256'), key('b', 'RETIRED', 1, 'RS256'), key('c', 'REVOKED', 3, 'PS512')];
    expect(JSON.parse(buildDiscovery(KEY_SET, keys, 'https://keys.example.com').text)).toEqual({
      issuer: 'https://keys.example.com/key-sets/web',
      jwks_uri: 'https://keys.example.com/key-sets/web/.well-known/jwks.json',
      id_token_signing_alg_values_supported: ['ES256', 'RS256'],
    });
  });

  it('uses the key set issuer when it has one', () => {
    const document = buildDiscovery({ ...KEY_SET, issuer: 'https://login.example.com' }, [], 'https://k.example');
    expect((JSON.parse(document.text) as { issuer: string }).issuer).toBe('https://login.example.com');
  });
});
