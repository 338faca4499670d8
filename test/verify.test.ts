// @vitest-environment node
// Verify and VerifyBatch end to end: tokens made by the service (Sign) and by an independent library
// (jose, with its own keys), against a real service over real gRPC, on a fake clock the test moves
// to push a key to EXPIRED through the scheduler.
import { status } from '@grpc/grpc-js';
import { KeyState, RotationMode, VerifyReason, type VerifyRequest } from '@keyward/proto/keyward/v1';
import fc from 'fast-check';
import { base64url, CompactSign, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSeconds, duration, FakeClock, keyOf, secondsOf } from './support/lifecycle-helpers.js';
import { useTestKeyward } from './support/keyward.js';
import { grpcError, statusOf } from './support/grpc-errors.js';

const clock = new FakeClock('2030-05-01T00:00:00Z');
const kw = useTestKeyward({ clock: clock.now });

const ISSUER = 'https://orders.example.com';
const nowSeconds = () => Math.floor(clock.now().getTime() / 1000);

/** A token signed by the service's active key of `keySet`. */
async function sign(keySet: string, claims: Record<string, unknown>, typ?: string): Promise<string> {
  return (await kw.rpc.sign({ keySet, claimsJson: JSON.stringify(claims), ...(typ === undefined ? {} : { typ }) })).jws;
}

function segment(value: object): string {
  return base64url.encode(JSON.stringify(value));
}

let ordersKid = '';
let pendingKid = '';
let revokedKid = '';
let expiredKid = '';
let revokedToken = '';
let expiredToken = '';

beforeAll(async () => {
  // A key pushed to EXPIRED: retired by an immediate rotation, then left past its grace period.
  const aging = await kw.rpc.createKeySet({ keySet: 'aging', algorithm: 'ES256', kidScheme: 0 });
  expiredKid = aging.activeKey!.kid;
  expiredToken = await sign('aging', { sub: 'old' });
  await kw.rpc.rotate({ keySet: 'aging', reason: 'test', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
  const retiredAt = (await keyOf(kw.rpc, 'aging', expiredKid)).retiredAt!;
  clock.set(addSeconds(retiredAt, secondsOf(aging.keySet!.policy!.gracePeriod) + 1));
  await kw.running.scheduler.tick();
  expect((await keyOf(kw.rpc, 'aging', expiredKid)).state).toBe(KeyState.KEY_STATE_EXPIRED);

  // Everything else is made after the clock moved, so its times are current.
  ordersKid = (await kw.rpc.createKeySet({ keySet: 'orders', algorithm: 'ES256', kidScheme: 0 })).activeKey!.kid;
  // A published successor that does not sign yet.
  pendingKid = (await kw.rpc.rotate({ keySet: 'orders', reason: 'test', mode: RotationMode.ROTATION_MODE_SCHEDULED }))
    .newKey!.kid;

  revokedKid = (await kw.rpc.createKeySet({ keySet: 'revoking', algorithm: 'ES256', kidScheme: 0 })).activeKey!.kid;
  revokedToken = await sign('revoking', { sub: 'leaked' });
  await kw.rpc.rotate({ keySet: 'revoking', reason: 'test', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
  await kw.rpc.revokeKey({ kid: revokedKid, reason: 'leaked' });

  await kw.rpc.createKeySet({ keySet: 'other', algorithm: 'ES256', kidScheme: 0 });
});

/** A key of jose's own: Keyward never saw it. */
async function foreignToken(kid: string, claims: Record<string, unknown>): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
}

const { KEY_STATE_UNSPECIFIED: NO_KEY, KEY_STATE_ACTIVE: ACTIVE, KEY_STATE_PENDING: PENDING } = KeyState;
const { KEY_STATE_REVOKED: REVOKED, KEY_STATE_EXPIRED: EXPIRED } = KeyState;
const R = VerifyReason;

type Item = Omit<VerifyRequest, 'keySet'> & { keySet?: string };

interface Row {
  readonly name: string;
  /** The request, made once the service is set up (key set "orders" unless it says). */
  readonly request: () => Item | Promise<Item>;
  readonly reason: VerifyReason;
  readonly claim?: string;
  readonly keyState: KeyState;
  /** Whether the payload comes back: only when the signature is good. */
  readonly payload: boolean;
}

const claims = () => ({ iss: ISSUER, aud: 'api', sub: 'alice' });

const ROWS: Row[] = [
  {
    name: 'a good token, its issuer, audience and typ as expected',
    request: async () => ({ jws: await sign('orders', claims()), issuer: ISSUER, audience: 'api', typ: 'JWT' }),
    reason: R.VERIFY_REASON_UNSPECIFIED,
    keyState: ACTIVE,
    payload: true,
  },
  {
    name: 'a token past its exp',
    request: async () => ({ jws: await sign('orders', { ...claims(), exp: nowSeconds() - 10 }) }),
    reason: R.VERIFY_REASON_EXPIRED,
    claim: 'exp',
    keyState: ACTIVE,
    payload: true,
  },
  {
    name: 'a token past its exp, within the clock tolerance',
    request: async () => ({
      jws: await sign('orders', { ...claims(), exp: nowSeconds() - 10 }),
      clockTolerance: duration(30),
    }),
    reason: R.VERIFY_REASON_UNSPECIFIED,
    keyState: ACTIVE,
    payload: true,
  },
  {
    name: 'a token before its nbf',
    request: async () => ({ jws: await sign('orders', { ...claims(), nbf: nowSeconds() + 600 }) }),
    reason: R.VERIFY_REASON_NOT_YET_VALID,
    claim: 'nbf',
    keyState: ACTIVE,
    payload: true,
  },
  {
    name: 'another audience',
    request: async () => ({ jws: await sign('orders', claims()), audience: 'billing' }),
    reason: R.VERIFY_REASON_AUDIENCE_MISMATCH,
    claim: 'aud',
    keyState: ACTIVE,
    payload: true,
  },
  {
    name: 'another issuer',
    request: async () => ({ jws: await sign('orders', claims()), issuer: 'https://else.example.com' }),
    reason: R.VERIFY_REASON_ISSUER_MISMATCH,
    claim: 'iss',
    keyState: ACTIVE,
    payload: true,
  },
  {
    name: 'another typ',
    request: async () => ({ jws: await sign('orders', claims(), 'at+jwt'), typ: 'JWT' }),
    reason: R.VERIFY_REASON_TYPE_MISMATCH,
    claim: 'typ',
    keyState: ACTIVE,
    payload: true,
  },
  {
    name: 'a tampered payload',
    request: async () => {
      const [header, , signature] = (await sign('orders', claims())).split('.');
      return { jws: `${header}.${segment({ ...claims(), sub: 'mallory' })}.${signature}` };
    },
    reason: R.VERIFY_REASON_BAD_SIGNATURE,
    keyState: ACTIVE,
    payload: false,
  },
  {
    name: 'a foreign key (jose, its own kid)',
    request: async () => ({ jws: await foreignToken('foreign-kid', claims()) }),
    reason: R.VERIFY_REASON_UNKNOWN_KID,
    keyState: NO_KEY,
    payload: false,
  },
  {
    name: 'a foreign key under the active key’s kid',
    request: async () => ({ jws: await foreignToken(ordersKid, claims()) }),
    reason: R.VERIFY_REASON_BAD_SIGNATURE,
    keyState: ACTIVE,
    payload: false,
  },
  {
    name: 'a foreign key under the pending key’s kid (pending keys are looked up)',
    request: async () => ({ jws: await foreignToken(pendingKid, claims()) }),
    reason: R.VERIFY_REASON_BAD_SIGNATURE,
    keyState: PENDING,
    payload: false,
  },
  {
    name: 'a revoked key, its signature good',
    request: () => ({ keySet: 'revoking', jws: revokedToken }),
    reason: R.VERIFY_REASON_KEY_REVOKED,
    keyState: REVOKED,
    payload: false,
  },
  {
    name: 'an expired key',
    request: () => ({ keySet: 'aging', jws: expiredToken }),
    reason: R.VERIFY_REASON_KEY_EXPIRED,
    keyState: EXPIRED,
    payload: false,
  },
  {
    name: 'an unknown kid',
    request: async () => {
      const [, payload, signature] = (await sign('orders', claims())).split('.');
      return { jws: `${segment({ alg: 'ES256', kid: 'no-such-kid' })}.${payload}.${signature}` };
    },
    reason: R.VERIFY_REASON_UNKNOWN_KID,
    keyState: NO_KEY,
    payload: false,
  },
  {
    name: 'a key of another key set',
    request: async () => ({ jws: await sign('other', claims()) }),
    reason: R.VERIFY_REASON_UNKNOWN_KID,
    keyState: NO_KEY,
    payload: false,
  },
  {
    name: 'alg none',
    request: () => ({ jws: `${segment({ alg: 'none', kid: ordersKid })}.${segment(claims())}.` }),
    reason: R.VERIFY_REASON_UNSUPPORTED_ALG,
    keyState: NO_KEY,
    payload: false,
  },
  {
    name: 'an alg other than the key’s',
    request: async () => {
      const { privateKey } = await generateKeyPair('ES384');
      const jws = await new CompactSign(Buffer.from(JSON.stringify(claims())))
        .setProtectedHeader({ alg: 'ES384', kid: ordersKid })
        .sign(privateKey);
      return { jws };
    },
    reason: R.VERIFY_REASON_ALG_MISMATCH,
    keyState: ACTIVE,
    payload: false,
  },
  {
    name: 'a malformed token',
    request: () => ({ jws: 'this is not a token' }),
    reason: R.VERIFY_REASON_MALFORMED,
    keyState: NO_KEY,
    payload: false,
  },
];

describe('Verify', () => {
  it.each(ROWS.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const { keySet = 'orders', ...rest } = await row.request();
    const response = await kw.rpc.verify({ keySet, ...rest });
    expect(response).toMatchObject({
      valid: row.reason === R.VERIFY_REASON_UNSPECIFIED,
      reason: row.reason,
      claim: row.claim ?? '',
      keyState: row.keyState,
    });
    expect(response.message).not.toBe('');
    if (row.payload) expect(JSON.parse(response.payload.toString())).toMatchObject({ sub: 'alice' });
    else expect(response.payload).toHaveLength(0);
  });

  it('names the kid and alg of a token signed by the service', async () => {
    const response = await kw.rpc.verify({ keySet: 'orders', jws: await sign('orders', claims()) });
    expect(response).toMatchObject({ valid: true, kid: ordersKid, alg: 'ES256' });
  });

  it('refuses bad requests with INVALID_ARGUMENT and an unknown key set with NOT_FOUND', async () => {
    const jws = await sign('orders', claims());
    const cases: [() => Promise<unknown>, number, RegExp][] = [
      [() => kw.rpc.verify({ keySet: 'Not A Name', jws }), status.INVALID_ARGUMENT, /key_set/],
      [() => kw.rpc.verify({ keySet: 'orders', jws: 'a'.repeat(64 * 1024 + 1) }), status.INVALID_ARGUMENT, /jws/],
      [
        () => kw.rpc.verify({ keySet: 'orders', jws, clockTolerance: { seconds: '-1', nanos: 0 } }),
        status.INVALID_ARGUMENT,
        /clock_tolerance/,
      ],
      [
        () => kw.rpc.verify({ keySet: 'orders', jws, clockTolerance: duration(301) }),
        status.INVALID_ARGUMENT,
        /clock_tolerance/,
      ],
      [() => kw.rpc.verify({ keySet: 'nope', jws }), status.NOT_FOUND, /nope/],
    ];
    for (const [call, code, message] of cases) {
      const error = await grpcError(call());
      expect([error.code, error.details]).toEqual([code, expect.stringMatching(message)]);
    }
  });

  it('never answers an arbitrary string with valid, nor with an error unless it is too long', async () => {
    const jwsLike = fc
      .array(fc.string({ unit: fc.constantFrom(...'AZaz09-_.'), maxLength: 40 }), { minLength: 1, maxLength: 4 })
      .map((parts) => parts.join('.'));
    const oversized = fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 20_000 }))
      .map(([unit, times]) => unit.repeat(times));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: 'binary' }), jwsLike, oversized), async (jws) => {
        const outcome = await kw.rpc.verify({ keySet: 'orders', jws }).then(
          (response) => response,
          (error: { code: number }) => error.code,
        );
        if (typeof outcome === 'number') {
          expect(outcome).toBe(status.INVALID_ARGUMENT);
          expect(Buffer.byteLength(jws, 'utf8')).toBeGreaterThan(64 * 1024);
        } else {
          expect(outcome.valid).toBe(false);
          expect(outcome.reason).not.toBe(R.VERIFY_REASON_UNSPECIFIED);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('VerifyBatch', () => {
  it('answers one result per item, in order', async () => {
    const requests = await Promise.all(ROWS.map((row) => Promise.resolve(row.request())));
    const items = requests.filter((request) => request.keySet === undefined);
    const { results } = await kw.rpc.verifyBatch({ keySet: 'orders', items });
    const singly = await Promise.all(items.map((item) => kw.rpc.verify({ keySet: 'orders', ...item })));
    expect(results.map((result) => result.reason)).toEqual(singly.map((result) => result.reason));
    expect(new Set(results.map((result) => result.reason)).size).toBeGreaterThan(5);
  });

  it('takes at most 100 items', async () => {
    const jws = await sign('orders', claims());
    const hundred = Array.from({ length: 100 }, () => ({ jws }));
    const { results } = await kw.rpc.verifyBatch({ keySet: 'orders', items: hundred });
    expect(results.filter((result) => result.valid)).toHaveLength(100);
    const error = await grpcError(kw.rpc.verifyBatch({ keySet: 'orders', items: [...hundred, { jws }] }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringMatching(/^items: .*100/)]);
  });

  it('refuses the whole batch for one bad item, naming it', async () => {
    const items = [{ jws: 'x' }, { jws: 'x', clockTolerance: { seconds: '-5', nanos: 0 } }];
    const error = await grpcError(kw.rpc.verifyBatch({ keySet: 'orders', items }));
    expect([error.code, error.details]).toEqual([status.INVALID_ARGUMENT, expect.stringMatching(/items\[1\]/)]);
    expect(await statusOf(kw.rpc.verifyBatch({ keySet: 'nope', items: [] }))).toBe(status.NOT_FOUND);
  });
});
