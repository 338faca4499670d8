import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { base64url, CompactSign, generateKeyPair as joseKeyPair } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Algorithm } from '../crypto/algorithms.js';
import { publicJwk } from '../crypto/jwk.js';
import { generateKeyPair } from '../crypto/keygen.js';
import { createSigner } from '../crypto/signer.js';
import type { KeyState } from '../lifecycle/states.js';
import { FRESH_KEY_LIFECYCLE, type KeyRecord } from '../model/key.js';
import type { VerifyReason } from '../model/verify-reasons.js';
import { thrownBy } from '../test-support/thrown.js';
import { MAX_BATCH_ITEMS, MAX_JWS_BYTES, Verifier, type VerifyItem, type VerifyObservation } from './verifier.js';

const NOW = new Date('2030-01-01T00:00:00Z');
const NOW_S = NOW.getTime() / 1000;

interface TestKey {
  readonly privateKey: KeyObject;
  readonly record: KeyRecord;
}

async function testKey(kid: string, alg: Algorithm, state: KeyState = 'ACTIVE'): Promise<TestKey> {
  const privateKey = await generateKeyPair({ alg, ...(alg.startsWith('RS') ? { rsaModulusBits: 2048 } : {}) });
  const record: KeyRecord = {
    id: kid,
    keySetId: 'set',
    kid,
    alg,
    use: 'sig',
    state,
    publicJwk: publicJwk(privateKey),
    createdAt: new Date(0),
    ...FRESH_KEY_LIFECYCLE,
    sealed: null,
  };
  return { privateKey, record };
}

/** Signed as the service signs: by its own signer (typ null: no typ header). */
function signed(key: TestKey, claims: object | Buffer, typ: string | null = 'JWT'): Promise<string> {
  const payload = Buffer.isBuffer(claims) ? claims : Buffer.from(JSON.stringify(claims));
  return createSigner(key.record.alg, key.record.kid, key.privateKey).sign(payload, typ ?? undefined);
}

let es: TestKey;
let ed: TestKey;
let pending: TestKey;
let revoked: TestKey;
let expired: TestKey;
let destroyed: TestKey;
let observed: VerifyObservation[];
let verifier: Verifier;

beforeAll(async () => {
  [es, ed, pending, revoked, expired, destroyed] = await Promise.all([
    testKey('es', 'ES256'),
    testKey('ed', 'EdDSA', 'RETIRED'),
    testKey('pending', 'ES256', 'PENDING'),
    testKey('revoked', 'ES256', 'REVOKED'),
    testKey('expired', 'ES256', 'EXPIRED'),
    testKey('destroyed', 'ES256', 'DESTROYED'),
  ]);
  const keys = [es, ed, pending, revoked, expired, destroyed].map((key) => key.record);
  observed = [];
  verifier = new Verifier({
    keysOf: (name) => (name === 'set' ? keys : []),
    clock: () => NOW,
    observe: (observation) => observed.push(observation),
  });
});

const CLAIMS = { iss: 'https://issuer.test', aud: ['api', 'web'], sub: 'alice', exp: NOW_S + 60, nbf: NOW_S - 60 };

function segment(value: object): string {
  return base64url.encode(JSON.stringify(value));
}

describe('Verifier.verify', () => {
  it('accepts a token of any published key and returns its payload', async () => {
    observed.length = 0;
    for (const key of [es, ed, pending]) {
      const result = await verifier.verify('set', {
        jws: await signed(key, CLAIMS),
        issuer: CLAIMS.iss,
        audience: 'web',
      });
      expect(result).toMatchObject({ valid: true, reason: undefined, kid: key.record.kid, keyState: key.record.state });
      expect(JSON.parse(result.payload!.toString())).toEqual(CLAIMS);
    }
    expect(observed.map((observation) => [observation.kid, observation.result])).toEqual(
      [es, ed, pending].map((key) => [key.record.kid, 'valid']),
    );
  });

  it('accepts an opaque payload when no claim is asked for, and refuses it an issuer', async () => {
    const jws = await signed(es, Buffer.from([0, 1, 2]), null);
    expect(await verifier.verify('set', { jws })).toMatchObject({ valid: true, payload: Buffer.from([0, 1, 2]) });
    expect(await verifier.verify('set', { jws, issuer: 'x' })).toMatchObject({
      reason: 'ISSUER_MISMATCH',
      claim: 'iss',
    });
  });

  // Each row breaks one thing; the reason is the first check in the order parse, alg, key, key
  // state, alg of the key, signature, exp, nbf, iss, aud, typ.
  const cases: [string, () => VerifyItem | Promise<VerifyItem>, VerifyReason, string | undefined][] = [
    ['one part', () => ({ jws: 'abc' }), 'MALFORMED', undefined],
    ['a header that is not JSON', () => ({ jws: `${base64url.encode('{')}.e30.c2ln` }), 'MALFORMED', undefined],
    ['no alg', () => ({ jws: `${segment({ kid: 'es' })}.e30.c2ln` }), 'MALFORMED', undefined],
    [
      'a payload that is not base64url',
      () => ({ jws: `${segment({ alg: 'ES256' })}.e3+.c2ln` }),
      'MALFORMED',
      undefined,
    ],
    ['alg none', () => ({ jws: `${segment({ alg: 'none', kid: 'es' })}.e30.` }), 'UNSUPPORTED_ALG', undefined],
    ['alg HS256', () => ({ jws: `${segment({ alg: 'HS256', kid: 'es' })}.e30.c2ln` }), 'UNSUPPORTED_ALG', undefined],
    ['no kid', () => ({ jws: `${segment({ alg: 'ES256' })}.e30.c2ln` }), 'UNKNOWN_KID', undefined],
    ['an unknown kid', () => ({ jws: `${segment({ alg: 'ES256', kid: 'who' })}.e30.c2ln` }), 'UNKNOWN_KID', undefined],
    ['a revoked key, well signed', async () => ({ jws: await signed(revoked, CLAIMS) }), 'KEY_REVOKED', undefined],
    ['an expired key, well signed', async () => ({ jws: await signed(expired, CLAIMS) }), 'KEY_EXPIRED', undefined],
    ['a destroyed key', async () => ({ jws: await signed(destroyed, CLAIMS) }), 'KEY_EXPIRED', undefined],
    [
      'alg other than the key’s',
      () => ({ jws: `${segment({ alg: 'ES384', kid: 'es' })}.e30.c2ln` }),
      'ALG_MISMATCH',
      undefined,
    ],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await signed(es, CLAIMS)).split('.');
        return { jws: `${header}.${segment({ ...CLAIMS, sub: 'mallory' })}.${signature}` };
      },
      'BAD_SIGNATURE',
      undefined,
    ],
    [
      'a real kid signed by a foreign key',
      async () => {
        const foreign = await joseKeyPair('ES256');
        const jws = await new CompactSign(Buffer.from(JSON.stringify(CLAIMS)))
          .setProtectedHeader({ alg: 'ES256', kid: 'es' })
          .sign(foreign.privateKey);
        return { jws };
      },
      'BAD_SIGNATURE',
      undefined,
    ],
    ['expired', async () => ({ jws: await signed(es, { ...CLAIMS, exp: NOW_S }) }), 'EXPIRED', 'exp'],
    ['not yet valid', async () => ({ jws: await signed(es, { ...CLAIMS, nbf: NOW_S + 1 }) }), 'NOT_YET_VALID', 'nbf'],
    ['exp not a number', async () => ({ jws: await signed(es, { exp: 'soon' }) }), 'MALFORMED', 'exp'],
    [
      'another issuer',
      async () => ({ jws: await signed(es, CLAIMS), issuer: 'https://else.test' }),
      'ISSUER_MISMATCH',
      'iss',
    ],
    ['another audience', async () => ({ jws: await signed(es, CLAIMS), audience: 'ops' }), 'AUDIENCE_MISMATCH', 'aud'],
    ['another typ', async () => ({ jws: await signed(es, CLAIMS), typ: 'at+jwt' }), 'TYPE_MISMATCH', 'typ'],
    [
      'no typ when one is asked',
      async () => ({ jws: await signed(es, CLAIMS, null), typ: 'JWT' }),
      'TYPE_MISMATCH',
      'typ',
    ],
    [
      'expired and of another issuer: exp comes first',
      async () => ({ jws: await signed(es, { ...CLAIMS, exp: NOW_S - 5 }), issuer: 'https://else.test' }),
      'EXPIRED',
      'exp',
    ],
  ];

  it.each(cases)('refuses %s', async (_label, item, reason, claim) => {
    observed.length = 0;
    const result = await verifier.verify('set', await item());
    expect(result).toMatchObject({ valid: false, reason, claim });
    expect(result.message).not.toBe('');
    expect(observed).toEqual([{ keySet: 'set', kid: result.kid, alg: result.alg, result: reason, at: NOW }]);
  });

  it('gives the payload only once the signature is good, and the key state once the kid is known', async () => {
    const late = await verifier.verify('set', { jws: await signed(es, { ...CLAIMS, exp: NOW_S - 1 }) });
    expect(late).toMatchObject({ reason: 'EXPIRED', kid: 'es', alg: 'ES256', keyState: 'ACTIVE' });
    expect(late.payload).toBeInstanceOf(Buffer);
    const revokedResult = await verifier.verify('set', { jws: await signed(revoked, CLAIMS) });
    expect(revokedResult).toMatchObject({ keyState: 'REVOKED', payload: undefined });
    const unknown = await verifier.verify('set', { jws: `${segment({ alg: 'ES256', kid: 'who' })}.e30.c2ln` });
    expect(unknown).toMatchObject({ kid: 'who', alg: 'ES256', keyState: undefined });
  });

  it('allows exp and nbf the clock tolerance and no more', async () => {
    const jws = await signed(es, { exp: NOW_S - 10, nbf: NOW_S - 20 });
    expect((await verifier.verify('set', { jws, clockToleranceSeconds: 11 })).valid).toBe(true);
    expect((await verifier.verify('set', { jws, clockToleranceSeconds: 10 })).reason).toBe('EXPIRED');
  });

  it('compares typ as RFC 7515 says: case and "application/" do not matter', async () => {
    const jws = await signed(es, CLAIMS, 'application/AT+JWT');
    expect((await verifier.verify('set', { jws, typ: 'at+jwt' })).valid).toBe(true);
  });

  it('refuses bad requests with the field named', () => {
    expect(thrownBy(() => verifier.verify('set', { jws: 'a'.repeat(MAX_JWS_BYTES + 1) })).message).toMatch(/^jws: /);
    for (const tolerance of [-1, 301, Number.NaN]) {
      const error = thrownBy(() => verifier.verify('set', { jws: 'x', clockToleranceSeconds: tolerance }));
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.message).toMatch(/^clock_tolerance: /);
    }
  });

  it('never accepts an arbitrary string', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 300 }), async (jws) => {
        expect((await verifier.verify('set', { jws })).valid).toBe(false);
      }),
    );
  });

  it('never accepts a re-assembled token whose parts were changed', async () => {
    const [header, payload, signature] = (await signed(es, CLAIMS)).split('.') as [string, string, string];
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 2 }), fc.string({ minLength: 1, maxLength: 8 }), async (part, extra) => {
        const parts = [header, payload, signature];
        parts[part] = `${parts[part]}${extra}`;
        expect((await verifier.verify('set', { jws: parts.join('.') })).valid).toBe(false);
      }),
    );
  });
});

describe('Verifier.verifyBatch', () => {
  it('answers each item in order', async () => {
    const good = await signed(es, CLAIMS);
    const results = await verifier.verifyBatch('set', [{ jws: 'bad' }, { jws: good }, { jws: good, audience: 'x' }]);
    expect(results.map((result) => result.reason)).toEqual(['MALFORMED', undefined, 'AUDIENCE_MISMATCH']);
  });

  it(`takes at most ${MAX_BATCH_ITEMS} items, and names the item at fault`, () => {
    const many = Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => ({ jws: 'x' }));
    expect(thrownBy(() => verifier.verifyBatch('set', many)).message).toMatch(/^items: holds 101/);
    const items = [{ jws: 'x' }, { jws: 'x', clockToleranceSeconds: -1 }];
    expect(thrownBy(() => verifier.verifyBatch('set', items)).message).toMatch(/^items\[1\]\.clock_tolerance: /);
  });
});
