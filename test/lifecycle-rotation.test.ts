// @vitest-environment node
// Key rotation end to end, on a fake clock the tests move: SCHEDULED and IMMEDIATE rotations,
// auto-rotation by the scheduler, what a caching JWKS client sees across ten rotations, and the
// catch-up after the service was down while lifecycle steps fell due. Real PostgreSQL, real gRPC,
// real HTTP; the scheduler runs when the tests call tick().
import { KeyState, RotationMode, type Key } from '@keyward/proto/keyward/v1';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import { CachingVerifier } from './support/lifecycle-caching-verifier.js';
import {
  addSeconds,
  ADMIN_ACTOR,
  FakeClock,
  fetchJwks,
  jwksKids,
  jwksUrl,
  keyOf,
  keysByKid,
  payloadOf,
  policy,
  queryDatabase,
  SCHEDULER_ACTOR,
} from './support/lifecycle-helpers.js';
import { createTestDatabase } from './support/database.js';
import { newMasterKey, startTestKeyward, useTestKeyward } from './support/keyward.js';

const SCHEDULED = RotationMode.ROTATION_MODE_SCHEDULED;
const UNSPECIFIED = RotationMode.ROTATION_MODE_UNSPECIFIED;
const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

// The JWKS is served with max-age 300 and stale-while-revalidate min(300, 60) = 60: a client may
// use a copy for up to 360 s, so every pre-publish period here (600 s) covers that.
const MAX_AGE = 300;
const CACHE_HORIZON = 360;
const PRE_PUBLISH = 600;
const ROTATION = 3_600;
const GRACE = 7_200; // >= max_token_ttl (3 600) + max-age (300)
const RETENTION = 3_600;
const TTL = 3_600;
const SHORT_POLICY = {
  prePublish: PRE_PUBLISH,
  rotation: ROTATION,
  grace: GRACE,
  retention: RETENTION,
  maxTokenTtl: TTL,
};

const clock = new FakeClock('2030-01-01T00:00:00Z');
const kw = useTestKeyward({ clock: clock.now, jwksMaxAgeSeconds: MAX_AGE });

async function createKeySet(name: string, fields: Parameters<typeof policy>[0] = SHORT_POLICY): Promise<Key> {
  const created = await kw.rpc.createKeySet({ keySet: name, algorithm: 'ES256', kidScheme: 0, policy: policy(fields) });
  return created.activeKey!;
}

async function sign(keySet: string, claims: Record<string, unknown> = { sub: 'alice' }) {
  return kw.rpc.sign({ keySet, claimsJson: JSON.stringify(claims) });
}

/** The JWKS as served over HTTP right now, as a jose key resolver. */
async function servedKeySet(keySet: string) {
  const { text } = await fetchJwks(kw.httpUrl, keySet);
  return createLocalJWKSet(JSON.parse(text) as JSONWebKeySet);
}

describe('SCHEDULED rotation (the default mode)', () => {
  it('publishes a pending successor at once, activates it after the pre-publish period, then expires and destroys the old key', async () => {
    const name = 'scheduled';
    const first = await createKeySet(name, { ...SHORT_POLICY, autoRotate: false });
    const oldKid = first.kid;
    const tokenBefore = await sign(name, { sub: 'before' });
    expect(tokenBefore.kid).toBe(oldKid);

    clock.advance(30);
    const rotatedAt = clock.now();
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'quarterly rotation', mode: UNSPECIFIED });
    const newKid = rotated.newKey!.kid;
    expect(newKid).not.toBe(oldKid);
    expect(rotated.newKey).toMatchObject({ state: KeyState.KEY_STATE_PENDING, alg: 'ES256', createdAt: rotatedAt });
    expect(rotated.newKey!.activatedAt).toBeUndefined();
    expect(rotated.previousKid).toBe(oldKid);
    expect(rotated.alreadyPending).toBe(false);
    expect(rotated.warning).toBe('');
    expect(rotated.activatesAt).toEqual(addSeconds(rotatedAt, PRE_PUBLISH));

    // Published at once, over HTTP and GetJWKS alike; the signer is still the old key.
    expect((await jwksKids(kw.httpUrl, name)).sort()).toEqual([oldKid, newKid].sort());
    const viaRpc = JSON.parse((await kw.rpc.getJwks({ keySet: name })).jwksJson) as { keys: { kid: string }[] };
    expect(viaRpc.keys.map((key) => key.kid).sort()).toEqual([oldKid, newKid].sort());
    expect((await sign(name)).kid).toBe(oldKid);
    expect((await kw.rpc.getKeySet({ keySet: name })).keySet!.activeKid).toBe(oldKid);

    // A rotation storm makes one key: the second request returns the pending one.
    clock.advance(10);
    const again = await kw.rpc.rotate({ keySet: name, reason: 'asked twice', mode: SCHEDULED });
    expect(again.alreadyPending).toBe(true);
    expect(again.newKey!.kid).toBe(newKid);
    expect(again.previousKid).toBe(oldKid);
    expect(again.activatesAt).toEqual(addSeconds(rotatedAt, PRE_PUBLISH));
    expect([...(await keysByKid(kw.rpc, name)).keys()].sort()).toEqual([oldKid, newKid].sort());

    // One second before the pre-publish period ends, a tick changes nothing.
    clock.set(addSeconds(rotatedAt, PRE_PUBLISH - 1));
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, oldKid)).state).toBe(KeyState.KEY_STATE_ACTIVE);
    expect((await keyOf(kw.rpc, name, newKid)).state).toBe(KeyState.KEY_STATE_PENDING);
    const tokenLastOld = await sign(name, { sub: 'last of the old key' });
    expect(tokenLastOld.kid).toBe(oldKid);

    // After it, the first tick (a little late) promotes, recording the due time, not the tick's.
    const dueAt = addSeconds(rotatedAt, PRE_PUBLISH);
    clock.set(addSeconds(dueAt, 25));
    await kw.running.scheduler.tick();
    const promoted = await keysByKid(kw.rpc, name);
    expect(promoted.get(newKid)).toMatchObject({
      state: KeyState.KEY_STATE_ACTIVE,
      createdAt: rotatedAt,
      activatedAt: dueAt,
    });
    expect(promoted.get(oldKid)).toMatchObject({
      state: KeyState.KEY_STATE_RETIRED,
      activatedAt: first.createdAt,
      retiredAt: dueAt,
    });
    expect(promoted.get(oldKid)!.expiredAt).toBeUndefined();
    const tokenNew = await sign(name, { sub: 'after' });
    expect(tokenNew.kid).toBe(newKid);
    expect((await kw.rpc.getKeySet({ keySet: name })).keySet!.activeKid).toBe(newKid);

    // Tokens of the old kid still verify against the JWKS as served; so do the new key's.
    const served = await servedKeySet(name);
    const at = { currentDate: clock.now() };
    await expect(jwtVerify(tokenBefore.jws, served, at)).resolves.toMatchObject({ payload: { sub: 'before' } });
    await expect(jwtVerify(tokenLastOld.jws, served, at)).resolves.toMatchObject({
      payload: { sub: 'last of the old key' },
    });
    await expect(jwtVerify(tokenNew.jws, served, at)).resolves.toMatchObject({ payload: { sub: 'after' } });

    // The grace period runs from the retirement: one second before its end the old key is served.
    clock.set(addSeconds(dueAt, GRACE - 1));
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, oldKid)).state).toBe(KeyState.KEY_STATE_RETIRED);
    expect(await jwksKids(kw.httpUrl, name)).toContain(oldKid);

    const expiresAt = addSeconds(dueAt, GRACE);
    clock.set(addSeconds(expiresAt, 5));
    await kw.running.scheduler.tick();
    expect(await keyOf(kw.rpc, name, oldKid)).toMatchObject({
      state: KeyState.KEY_STATE_EXPIRED,
      expiredAt: expiresAt,
    });
    expect(await jwksKids(kw.httpUrl, name)).toEqual([newKid]);
    // Unpublished, but its private material is kept through the retention period.
    const [kept] = await queryDatabase<{ material: boolean }>(
      kw.databaseUrl,
      'SELECT encrypted_private_key IS NOT NULL AND wrapped_data_key IS NOT NULL AS material FROM keys WHERE kid = $1',
      [oldKid],
    );
    expect(kept).toEqual({ material: true });

    clock.set(addSeconds(expiresAt, RETENTION - 1));
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, oldKid)).state).toBe(KeyState.KEY_STATE_EXPIRED);

    const destroyedAt = addSeconds(expiresAt, RETENTION);
    clock.set(addSeconds(destroyedAt, 5));
    await kw.running.scheduler.tick();
    expect(await keyOf(kw.rpc, name, oldKid)).toMatchObject({ state: KeyState.KEY_STATE_DESTROYED, destroyedAt });
    const rows = await queryDatabase<Record<string, unknown>>(
      kw.databaseUrl,
      `SELECT state::text AS state, encrypted_private_key, wrapped_data_key, master_key_id, destroyed_at
       FROM keys WHERE kid = $1`,
      [oldKid],
    );
    expect(rows).toEqual([
      {
        state: 'DESTROYED',
        encrypted_private_key: null,
        wrapped_data_key: null,
        master_key_id: null,
        destroyed_at: destroyedAt,
      },
    ]);
    // The signer is untouched through all of it.
    expect((await sign(name)).kid).toBe(newKid);
    const [signer] = await queryDatabase<{ material: boolean }>(
      kw.databaseUrl,
      'SELECT encrypted_private_key IS NOT NULL AS material FROM keys WHERE kid = $1',
      [newKid],
    );
    expect(signer).toEqual({ material: true });
  });
});

describe('IMMEDIATE rotation', () => {
  it('makes a new key sign at once, warning that cached JWKS copies miss it', async () => {
    const name = 'immediate';
    const first = await createKeySet(name, { ...SHORT_POLICY, autoRotate: false });
    clock.advance(10);
    const at = clock.now();
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'key leaked', mode: IMMEDIATE });
    const kid = rotated.newKey!.kid;
    expect(kid).not.toBe(first.kid);
    expect(rotated.newKey).toMatchObject({ state: KeyState.KEY_STATE_ACTIVE, createdAt: at, activatedAt: at });
    expect(rotated.previousKid).toBe(first.kid);
    expect(rotated.activatesAt).toEqual(at);
    expect(rotated.alreadyPending).toBe(false);
    expect(rotated.warning).not.toBe('');
    expect(rotated.warning).toMatch(/cached JWKS/);
    expect(rotated.warning).toContain(kid);

    expect((await sign(name)).kid).toBe(kid);
    expect(await keyOf(kw.rpc, name, first.kid)).toMatchObject({ state: KeyState.KEY_STATE_RETIRED, retiredAt: at });
    expect((await jwksKids(kw.httpUrl, name)).sort()).toEqual([first.kid, kid].sort());
  });

  it('promotes the pending key when there is one: same kid, no new key, no warning', async () => {
    const name = 'immediate-pending';
    const first = await createKeySet(name, { ...SHORT_POLICY, autoRotate: false });
    clock.advance(10);
    const publishedAt = clock.now();
    const scheduled = await kw.rpc.rotate({ keySet: name, reason: 'planned', mode: SCHEDULED });
    const pendingKid = scheduled.newKey!.kid;

    // Published for longer than any client may cache the JWKS (max-age + stale-while-revalidate),
    // though not yet for the whole pre-publish period.
    clock.advance(CACHE_HORIZON + 40);
    const at = clock.now();
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'cannot wait', mode: IMMEDIATE });
    expect(rotated.newKey).toMatchObject({
      kid: pendingKid,
      state: KeyState.KEY_STATE_ACTIVE,
      createdAt: publishedAt,
      activatedAt: at,
    });
    expect(rotated.previousKid).toBe(first.kid);
    expect(rotated.activatesAt).toEqual(at);
    expect(rotated.warning).toBe('');
    expect((await sign(name)).kid).toBe(pendingKid);
    const keys = await keysByKid(kw.rpc, name);
    expect([...keys.keys()].sort()).toEqual([first.kid, pendingKid].sort());
    expect(keys.get(first.kid)).toMatchObject({ state: KeyState.KEY_STATE_RETIRED, retiredAt: at });
  });
});

describe('IMMEDIATE rotation of a freshly published key', () => {
  it('warns when the pending key it promotes was published more recently than clients cache the JWKS', async () => {
    const name = 'immediate-young-pending';
    await createKeySet(name, { ...SHORT_POLICY, autoRotate: false });
    clock.advance(10);
    const pendingKid = (await kw.rpc.rotate({ keySet: name, reason: 'planned', mode: SCHEDULED })).newKey!.kid;
    clock.advance(10);
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'cannot wait', mode: IMMEDIATE });
    expect(rotated.newKey!.kid).toBe(pendingKid);
    // Published 10 s ago: every client that fetched the JWKS more than 10 s ago lacks the kid.
    expect(rotated.warning).toMatch(/cached JWKS/);
  });
});

describe('auto-rotation', () => {
  it('publishes a successor at rotation_period - pre_publish_period and activates it at rotation_period, with no call', async () => {
    const name = 'auto';
    const first = await createKeySet(name);
    expect((await kw.rpc.getKeySet({ keySet: name })).keySet!.policy!.autoRotate).toBe(true);
    const start = first.activatedAt!;
    const publishAt = addSeconds(start, ROTATION - PRE_PUBLISH);

    clock.set(addSeconds(publishAt, -1));
    await kw.running.scheduler.tick();
    expect([...(await keysByKid(kw.rpc, name)).keys()]).toEqual([first.kid]);

    clock.set(publishAt);
    await kw.running.scheduler.tick();
    const afterPublish = [...(await keysByKid(kw.rpc, name)).values()];
    expect(afterPublish).toHaveLength(2);
    const successor = afterPublish.find((key) => key.kid !== first.kid)!;
    expect(successor).toMatchObject({ state: KeyState.KEY_STATE_PENDING, createdAt: publishAt, alg: 'ES256' });
    expect(await jwksKids(kw.httpUrl, name)).toContain(successor.kid);
    expect((await sign(name)).kid).toBe(first.kid);

    clock.set(addSeconds(start, ROTATION - 1));
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, successor.kid)).state).toBe(KeyState.KEY_STATE_PENDING);

    clock.set(addSeconds(start, ROTATION));
    await kw.running.scheduler.tick();
    const rotated = await keysByKid(kw.rpc, name);
    expect(rotated.get(successor.kid)).toMatchObject({
      state: KeyState.KEY_STATE_ACTIVE,
      activatedAt: addSeconds(start, ROTATION),
    });
    expect(rotated.get(first.kid)).toMatchObject({
      state: KeyState.KEY_STATE_RETIRED,
      retiredAt: addSeconds(start, ROTATION),
    });
    expect((await sign(name)).kid).toBe(successor.kid);

    // Nobody but the scheduler acted after the key set was created.
    const { events } = await kw.rpc.listEvents({ keySet: name, kid: '', pageSize: 100, pageToken: '' });
    expect(events.map((event) => [event.type, event.actor, event.kid]).reverse()).toEqual([
      ['key_set.created', ADMIN_ACTOR, first.kid],
      ['key.published', SCHEDULER_ACTOR, successor.kid],
      ['key.retired', SCHEDULER_ACTOR, first.kid],
      ['key.activated', SCHEDULER_ACTOR, successor.kid],
    ]);

    // Keep later tests' ticks (which move the clock by hours) free of this key set's rotations.
    await kw.rpc.updateKeySetPolicy({ keySet: name, reason: 'test done', policy: policy({ autoRotate: false }) });
  });
});

describe("the client's point of view", () => {
  it('ten scheduled and automatic rotations: a client caching the JWKS for its max-age never meets an unknown kid', async () => {
    const name = 'ten-rotations';
    // A half-hour rotation period: with tokens living an hour and a two-hour grace period, up to
    // four retired keys are published at once.
    const first = await createKeySet(name, { ...SHORT_POLICY, rotation: 1_800 });
    const url = jwksUrl(kw.httpUrl, name);
    // The verifier under test caches for max-age; a second one for max-age + stale-while-revalidate
    // (the longest a cache may serve a copy); a third, misbehaving one for 1 500 s, longer than the
    // pre-publish period: it must meet unknown kids, which shows the measurement can see them.
    const maxAge = new CachingVerifier({ url, now: clock.now, lifetime: 'max-age', userAgent: 'verifier/max-age' });
    const withSwr = new CachingVerifier({
      url,
      now: clock.now,
      lifetime: 'max-age+stale-while-revalidate',
      userAgent: 'verifier/swr',
    });
    const overlong = new CachingVerifier({
      url,
      now: clock.now,
      lifetime: { seconds: 1_500 },
      userAgent: 'verifier/overlong',
    });
    const verifiers = [maxAge, withSwr, overlong];

    // An irregular step, so that fetches, ticks and due times do not line up.
    const STEP = 71;
    // Each token is verified when signed, one step later, halfway through its life and on the last
    // step before it expires (50 * 71 = 3 550 s < 3 600 s).
    const checkpoints = [0, 1, Math.floor(TTL / STEP / 2), Math.floor((TTL - 1) / STEP)];
    const manualRotationSteps = new Set([20, 90, 160]);
    const startedAt = clock.now();
    const tokens: { jws: string; kid: string; step: number; n: number }[] = [];
    const signers: string[] = [first.kid];
    let expectedVerifications = 0;

    for (let step = 0; step < 700 && signers.length < 11; step += 1) {
      clock.advance(STEP);
      await kw.running.scheduler.tick();
      if (manualRotationSteps.has(step)) {
        await kw.rpc.rotate({ keySet: name, reason: `manual rotation at step ${step}`, mode: SCHEDULED });
      }
      const signed = await sign(name, { n: step });
      if (signers.at(-1) !== signed.kid) signers.push(signed.kid);
      tokens.push({ jws: signed.jws, kid: signed.kid, step, n: step });
      for (const token of tokens) {
        if (!checkpoints.includes(step - token.step)) continue;
        expectedVerifications += 1;
        for (const verifier of verifiers) {
          const result = await verifier.verify(token.jws);
          if (result !== undefined) expect(result.payload.n).toBe(token.n);
        }
      }
    }
    const elapsed = (clock.now().getTime() - startedAt.getTime()) / 1_000;

    // Ten rotations happened: eleven keys signed, one after the other.
    expect(signers).toHaveLength(11);
    expect(new Set(signers).size).toBe(11);
    for (const verifier of verifiers) {
      expect(verifier.failures).toEqual([]);
      expect(verifier.stats.verified).toBe(expectedVerifications);
    }
    // The client that caches for max-age never held a fresh copy without a token's kid, so it never
    // needed to refetch on an unknown kid; all its requests were the first and the refreshes of an
    // aged copy, at most one per max-age.
    expect(maxAge.stats.unknownKidInFreshCopy).toBe(0);
    expect(maxAge.stats.refetchesOnUnknownKid).toBe(0);
    expect(maxAge.stats.requests).toBe(1 + maxAge.stats.refreshesOnExpiry);
    expect(maxAge.stats.requests).toBeLessThanOrEqual(Math.ceil(elapsed / MAX_AGE) + 1);
    expect(maxAge.stats.requests).toBeGreaterThanOrEqual(Math.floor(elapsed / (MAX_AGE + STEP)));
    // Revalidation worked: some refreshes found the copy unchanged.
    expect(maxAge.stats.notModified).toBeGreaterThan(0);
    // Same for a cache that also serves stale-while-revalidate.
    expect(withSwr.stats.unknownKidInUsableCopy).toBe(0);
    expect(withSwr.stats.refetchesOnUnknownKid).toBe(0);
    // The misbehaving client was saved by refetching on an unknown kid only.
    expect(overlong.stats.unknownKidInUsableCopy).toBeGreaterThan(0);
    expect(overlong.stats.refetchesOnUnknownKid).toBe(overlong.stats.unknownKidInUsableCopy);

    // Each successor was published for at least the pre-publish period before it signed.
    const keys = [...(await keysByKid(kw.rpc, name)).values()];
    for (const kid of signers.slice(1)) {
      const key = keys.find((candidate) => candidate.kid === kid)!;
      expect(key.activatedAt!.getTime() - key.createdAt!.getTime()).toBeGreaterThanOrEqual(PRE_PUBLISH * 1_000);
    }
    // Each retired key stayed published for the whole grace period.
    for (const key of keys.filter((candidate) => candidate.expiredAt !== undefined)) {
      expect(key.expiredAt!.getTime() - key.retiredAt!.getTime()).toBe(GRACE * 1_000);
    }
    // Every token signed during the run was made by the key that was ACTIVE at the time.
    for (const token of tokens) expect(payloadOf(token.jws).n).toBe(token.n);
  });
});

describe('catch-up after downtime', () => {
  it('applies the steps that fell due while the service was down, at their due times', async () => {
    const database = await createTestDatabase();
    const masterKey = newMasterKey();
    const downClock = new FakeClock('2031-06-01T00:00:00Z');
    try {
      const before = await startTestKeyward({
        databaseUrl: database.url,
        masterKey,
        clock: downClock.now,
        jwksMaxAgeSeconds: MAX_AGE,
      });
      let oldKid: string;
      let newKid: string;
      let publishedAt: Date;
      try {
        const created = await before.rpc.createKeySet({
          keySet: 'catch-up',
          algorithm: 'ES256',
          kidScheme: 0,
          policy: policy(SHORT_POLICY),
        });
        oldKid = created.activeKey!.kid;
        downClock.advance(60);
        publishedAt = downClock.now();
        const rotated = await before.rpc.rotate({ keySet: 'catch-up', reason: 'before the outage', mode: SCHEDULED });
        newKid = rotated.newKey!.kid;
        await before.rpc.sign({ keySet: 'catch-up', claimsJson: '{"sub":"before the outage"}' });
      } finally {
        await before.stop();
      }

      // Continuous operation would have: promoted the pending key at publishedAt + pre-publish,
      // expired the old key a grace period later, and destroyed it a retention period after that.
      const activatedAt = addSeconds(publishedAt, PRE_PUBLISH);
      const expiredAt = addSeconds(activatedAt, GRACE);
      const destroyedAt = addSeconds(expiredAt, RETENTION);
      // The outage ends well after all three, and after the new key's own auto-rotation fell due
      // (activatedAt + rotation - pre-publish).
      const restartAt = downClock.set(addSeconds(destroyedAt, 1_000));
      expect(restartAt.getTime()).toBeGreaterThan(addSeconds(activatedAt, ROTATION - PRE_PUBLISH).getTime());

      const after = await startTestKeyward({
        databaseUrl: database.url,
        masterKey,
        clock: downClock.now,
        jwksMaxAgeSeconds: MAX_AGE,
      });
      try {
        // Nothing moves until the scheduler runs.
        const untouched = await keysByKid(after.rpc, 'catch-up');
        expect(untouched.get(oldKid)!.state).toBe(KeyState.KEY_STATE_ACTIVE);
        expect(untouched.get(newKid)!.state).toBe(KeyState.KEY_STATE_PENDING);

        // One tick applies promotion, expiry, destruction and the next publication, in due order.
        expect(await after.running.scheduler.tick()).toBe(4);
        const keys = await keysByKid(after.rpc, 'catch-up');
        expect(keys.get(oldKid)).toMatchObject({
          state: KeyState.KEY_STATE_DESTROYED,
          retiredAt: activatedAt,
          expiredAt,
          destroyedAt,
        });
        expect(keys.get(newKid)).toMatchObject({ state: KeyState.KEY_STATE_ACTIVE, activatedAt });
        // Publishing the next successor is the one step that is never back-dated: a key counts as
        // published only from when clients could really fetch it, so it is created at the real
        // time of the catch-up (not at activatedAt + rotation - pre-publish) and activates a full
        // pre-publish period later. Downtime delays the next rotation rather than shortening its
        // pre-publish period (lifecycle/schedule.ts, nextDuePlan).
        const successors = [...keys.values()].filter((key) => key.kid !== oldKid && key.kid !== newKid);
        expect(successors).toHaveLength(1);
        expect(successors[0]).toMatchObject({ state: KeyState.KEY_STATE_PENDING, createdAt: restartAt });
        expect(successors[0]!.activatedAt).toBeUndefined();

        expect(await after.running.scheduler.tick()).toBe(0);
        expect((await after.rpc.sign({ keySet: 'catch-up', claimsJson: '{}' })).kid).toBe(newKid);
        expect((await jwksKids(after.httpUrl, 'catch-up')).sort()).toEqual([newKid, successors[0]!.kid].sort());

        // The audit trail records each step in the order it fell due, with the time it took effect:
        // the publication was due (activatedAt + rotation - pre-publish) before the expiry, so it
        // comes second, but it took effect at the real time of the catch-up.
        const { events } = await after.rpc.listEvents({ keySet: 'catch-up', kid: '', pageSize: 50, pageToken: '' });
        const scheduled = events
          .filter((event) => event.actor === SCHEDULER_ACTOR)
          .reverse()
          .map((event) => [event.type, event.kid, (JSON.parse(event.afterJson) as { at: string }).at]);
        expect(scheduled).toEqual([
          ['key.retired', oldKid, activatedAt.toISOString()],
          ['key.activated', newKid, activatedAt.toISOString()],
          ['key.published', successors[0]!.kid, restartAt.toISOString()],
          ['key.expired', oldKid, expiredAt.toISOString()],
          ['key.destroyed', oldKid, destroyedAt.toISOString()],
        ]);

        const [row] = await queryDatabase<Record<string, unknown>>(
          database.url,
          'SELECT encrypted_private_key, wrapped_data_key, master_key_id, destroyed_at FROM keys WHERE kid = $1',
          [oldKid],
        );
        expect(row).toEqual({
          encrypted_private_key: null,
          wrapped_data_key: null,
          master_key_id: null,
          destroyed_at: destroyedAt,
        });
      } finally {
        await after.stop();
      }
    } finally {
      await database.drop();
    }
  });
});
