// @vitest-environment node
// DiagnoseVerificationFailures end to end on a fake clock: failures reported for keys in each
// lifecycle state (and for kids of another key set or of nobody), flushed by the real usage flush,
// diagnosed from the stored counts, the keyring and the JWKS client sightings.
import {
  FailingKidKind,
  KeyState,
  RotationMode,
  Scope,
  VerifyReason,
  type KidDiagnosis,
} from '@keyward/proto/keyward/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSeconds, duration, FakeClock, jwksUrl, keyOf, policy } from './support/lifecycle-helpers.js';
import { useTestKeyward } from './support/keyward.js';

const { ROTATION_MODE_IMMEDIATE: IMMEDIATE, ROTATION_MODE_SCHEDULED: SCHEDULED } = RotationMode;
const T0 = new Date('2030-03-01T00:00:00Z');
const clock = new FakeClock(T0);
const kw = useTestKeyward({ clock: clock.now, jwksMaxAgeSeconds: 300 });
// Pre-publish 600 s (the least under max-age 300), grace 900 s (max_token_ttl 600 s + max-age 300 s).
const POLICY = policy({ autoRotate: false, prePublish: 600, grace: 900, maxTokenTtl: 600 });

let reporter = '';

beforeAll(async () => {
  for (const keySet of ['orders', 'billing', 'legacy']) {
    await kw.rpc.createKeySet({ keySet, algorithm: 'ES256', kidScheme: 0, policy: POLICY });
  }
  const grants = ['orders', 'legacy'].map((keySet) => ({ keySet, scopes: [Scope.SCOPE_REPORT] }));
  reporter = (await kw.rpc.createApiToken({ name: 'rp', grants })).secret;
});

async function report(keySet: string, items: [kid: string, reason: VerifyReason, count: number][]): Promise<void> {
  const windowStart = clock.now();
  await kw.rpc.reportVerificationFailures(
    { keySet, items: items.map(([kid, reason, count]) => ({ kid, reason, alg: 'ES256', count, windowStart })) },
    reporter,
  );
}

/** The diagnoses of the first day, in the order given. */
async function diagnose(keySet: string): Promise<KidDiagnosis[]> {
  return (await kw.rpc.diagnoseVerificationFailures({ keySet, from: T0, to: addSeconds(T0, 86_400) })).kids;
}

async function flushAndDiagnose(keySet: string): Promise<Map<string, KidDiagnosis>> {
  await kw.running.flushUsage();
  return new Map((await diagnose(keySet)).map((kid) => [kid.kid, kid]));
}

/** The end of the minute bucket a failure reported now is counted in. */
function bucketEnd(): Date {
  const ms = clock.now().getTime();
  return new Date(ms - (ms % 60_000) + 60_000);
}

const activeKid = async (keySet: string) => (await kw.rpc.getKeySet({ keySet })).keySet!.activeKid;

describe('DiagnoseVerificationFailures', () => {
  it('names pending and active keys (with the activation gap), retired keys, other key sets and unknown kids', async () => {
    const first = await activeKid('orders');
    const billingKid = await activeKid('billing');
    // Three JWKS clients fetch the JWKS before the rotation: none of them will hold its new key.
    for (const n of [1, 2, 3]) {
      const response = await fetch(jwksUrl(kw.httpUrl, 'orders'), { headers: { 'user-agent': `diagnosis/${n}` } });
      await response.arrayBuffer();
    }
    clock.advance(60);
    const retiredAt = clock.now();
    const second = (await kw.rpc.rotate({ keySet: 'orders', reason: 'test', mode: IMMEDIATE })).newKey!;
    clock.advance(700);
    await report('orders', [
      [second.kid, VerifyReason.VERIFY_REASON_UNKNOWN_KID, 5],
      [first, VerifyReason.VERIFY_REASON_UNKNOWN_KID, 2],
    ]);
    const lastAt = bucketEnd();
    const pending = (await kw.rpc.rotate({ keySet: 'orders', reason: 'test', mode: SCHEDULED })).newKey!;
    await report('orders', [
      [pending.kid, VerifyReason.VERIFY_REASON_BAD_SIGNATURE, 1],
      ['forged-kid', VerifyReason.VERIFY_REASON_UNKNOWN_KID, 3],
      [billingKid, VerifyReason.VERIFY_REASON_UNKNOWN_KID, 4],
    ]);

    // Nothing is stored before the flush.
    expect(await diagnose('orders')).toEqual([]);
    const diagnosis = await flushAndDiagnose('orders');
    const order = await diagnose('orders');
    expect(order.map((kid) => [kid.kid, kid.failures]).slice(0, 4)).toEqual([
      ['unknown', '7'],
      [second.kid, '5'],
      [first, '2'],
      [pending.kid, '1'],
    ]);

    expect(diagnosis.get(second.kid)).toMatchObject({
      kind: FailingKidKind.FAILING_KID_KIND_ACTIVE_KEY,
      keyState: KeyState.KEY_STATE_ACTIVE,
      reasons: [{ reason: VerifyReason.VERIFY_REASON_UNKNOWN_KID, count: '5' }],
      reportingClients: ['token:rp'],
      activationGap: {
        activatedAt: retiredAt,
        clientsSeen: 3,
        clientsWithoutKey: 3,
        prePublishPeriod: duration(600),
        jwksMaxAgeSeconds: 300,
      },
      // From its publication to the end of the last UNKNOWN_KID minute: 60 s + 700 s, to the minute.
      suggestion: {
        field: 'pre_publish_period',
        current: duration(600),
        suggested: duration((lastAt.getTime() - second.createdAt!.getTime()) / 1_000),
      },
    });
    expect(diagnosis.get(first)).toMatchObject({
      kind: FailingKidKind.FAILING_KID_KIND_RETIRED_KEY,
      keyState: KeyState.KEY_STATE_RETIRED,
      // Failures within the grace period: the policy covered them; JWKS caching is the cause.
      suggestion: undefined,
    });
    expect(diagnosis.get(first)!.explanation).toContain('JWKS caching');
    expect(diagnosis.get(pending.kid)).toMatchObject({
      kind: FailingKidKind.FAILING_KID_KIND_PENDING_KEY,
      keyState: KeyState.KEY_STATE_PENDING,
      reasons: [{ reason: VerifyReason.VERIFY_REASON_BAD_SIGNATURE, count: '1' }],
    });
    expect(diagnosis.get(pending.kid)!.activationGap).toBeUndefined();
    expect(diagnosis.get('unknown')).toMatchObject({
      kind: FailingKidKind.FAILING_KID_KIND_UNKNOWN,
      failures: '7',
      reportingClients: ['token:rp'],
    });
    expect(diagnosis.get(billingKid)).toMatchObject({
      kind: FailingKidKind.FAILING_KID_KIND_OTHER_KEY_SET,
      otherKeySet: 'billing',
      failures: '0',
    });
    expect(diagnosis.get(billingKid)!.advice).toContain('"billing"');
    expect(diagnosis.get('forged-kid')).toMatchObject({ kind: FailingKidKind.FAILING_KID_KIND_UNKNOWN, failures: '0' });
    expect(diagnosis.size).toBe(6);
  });

  it('suggests the grace period that would have covered an expired key, and counts a revoked one', async () => {
    const first = await activeKid('legacy');
    clock.advance(60);
    const retiredAt = clock.now();
    const second = (await kw.rpc.rotate({ keySet: 'legacy', reason: 'test', mode: IMMEDIATE })).newKey!;
    clock.advance(900 + 125);
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, 'legacy', first)).state).toBe(KeyState.KEY_STATE_EXPIRED);
    await report('legacy', [[first, VerifyReason.VERIFY_REASON_UNKNOWN_KID, 6]]);
    const neededSeconds = Math.ceil((bucketEnd().getTime() - retiredAt.getTime()) / 60_000) * 60;
    clock.advance(10);
    await kw.rpc.rotate({ keySet: 'legacy', reason: 'test', mode: IMMEDIATE });
    await kw.rpc.revokeKey({ kid: second.kid, reason: 'leaked' });
    await report('legacy', [[second.kid, VerifyReason.VERIFY_REASON_UNKNOWN_KID, 3]]);

    const diagnosis = await flushAndDiagnose('legacy');
    expect(neededSeconds).toBeGreaterThan(900);
    expect(diagnosis.get(first)).toMatchObject({
      kind: FailingKidKind.FAILING_KID_KIND_EXPIRED_KEY,
      keyState: KeyState.KEY_STATE_EXPIRED,
      failures: '6',
      suggestion: { field: 'grace_period', current: duration(900), suggested: duration(neededSeconds) },
    });
    expect(diagnosis.get(first)!.explanation).toContain('grace period is too short');
    expect(diagnosis.get(second.kid)).toMatchObject({
      kind: FailingKidKind.FAILING_KID_KIND_REVOKED_KEY,
      keyState: KeyState.KEY_STATE_REVOKED,
      failures: '3',
    });
    expect(diagnosis.get(second.kid)!.suggestion).toBeUndefined();
  });

  it('refuses a range that ends before it starts, naming the field', async () => {
    await expect(kw.rpc.diagnoseVerificationFailures({ keySet: 'orders', from: T0, to: T0 })).rejects.toMatchObject({
      details: 'to: must be after from',
    });
  });
});
