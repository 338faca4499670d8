// @vitest-environment node
// The key-lifecycle admin surface end to end, on a fake clock the tests move: RevokeKey,
// UpdateKeySetPolicy (and an algorithm migration), max_token_ttl, the audit trail (ListEvents),
// GetKeyTimeline, GetRotationReadiness with the activation hold, and what the database keeps of
// the clients that fetch the JWKS. Real PostgreSQL, real gRPC, real HTTP.
import { status } from '@grpc/grpc-js';
import { ExcessTtl, KeyState, RotationMode, type KeySet, type KeyTimeline } from '@keyward/proto/keyward/v1';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  addSeconds,
  ADMIN_ACTOR,
  duration,
  FakeClock,
  fetchDiscovery,
  fetchJwks,
  grpcError,
  jwksKids,
  jwksUrl,
  keyOf,
  keysByKid,
  payloadOf,
  policy,
  queryDatabase,
  SCHEDULER_ACTOR,
  secondsOf,
  type PolicyFields,
} from './support/lifecycle-helpers.js';
import { createTestDatabase } from './support/database.js';
import { newMasterKey, startTestKeyward, useTestKeyward } from './support/keyward.js';
import { startTcpProxy } from './support/tcp-proxy.js';

const SCHEDULED = RotationMode.ROTATION_MODE_SCHEDULED;
const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;
const { KEY_STATE_PENDING: PENDING, KEY_STATE_ACTIVE: ACTIVE, KEY_STATE_RETIRED: RETIRED } = KeyState;
const { KEY_STATE_EXPIRED: EXPIRED, KEY_STATE_DESTROYED: DESTROYED, KEY_STATE_REVOKED: REVOKED } = KeyState;

// max-age 300 s, stale-while-revalidate min(300, 60) = 60 s: clients may cache the JWKS 360 s.
const MAX_AGE = 300;
const CACHE_HORIZON = 360;

const clock = new FakeClock('2030-03-01T00:00:00Z');
const kw = useTestKeyward({ clock: clock.now, jwksMaxAgeSeconds: MAX_AGE });

async function createKeySet(name: string, fields: PolicyFields = {}, algorithm = 'ES256') {
  const created = await kw.rpc.createKeySet({ keySet: name, algorithm, kidScheme: 0, policy: policy(fields) });
  return created.activeKey!;
}

async function sign(keySet: string, claims: Record<string, unknown> = { sub: 'alice' }) {
  return kw.rpc.sign({ keySet, claimsJson: JSON.stringify(claims) });
}

/** The policy of a KeySet message in plain seconds. */
function policyOf(keySet: KeySet | undefined) {
  const wire = keySet!.policy!;
  return {
    algorithm: wire.algorithm,
    rotation: secondsOf(wire.rotationPeriod),
    prePublish: secondsOf(wire.prePublishPeriod),
    grace: secondsOf(wire.gracePeriod),
    retention: secondsOf(wire.retentionPeriod),
    maxTokenTtl: secondsOf(wire.maxTokenTtl),
    excessTtl: wire.excessTtl,
    autoRotate: wire.autoRotate,
    readiness:
      wire.activationReadiness === undefined
        ? undefined
        : { minShare: wire.activationReadiness.minShare, maxDelay: secondsOf(wire.activationReadiness.maxDelay) },
  };
}

/** The audit trail of a key set, oldest first, as [type, kid, actor, reason]. */
async function trail(keySet: string): Promise<string[][]> {
  const { events } = await kw.rpc.listEvents({ keySet, kid: '', pageSize: 500, pageToken: '' });
  return events.reverse().map((event) => [event.type, event.kid, event.actor, event.reason]);
}

/** A JWKS request over real HTTP from one "client": the service tells clients apart by address and User-Agent. */
async function fetchAs(userAgent: string, keySet: string, method: 'GET' | 'HEAD' = 'GET'): Promise<number> {
  const response = await fetch(jwksUrl(kw.httpUrl, keySet), { method, headers: { 'user-agent': userAgent } });
  await response.arrayBuffer();
  return response.status;
}

describe('RevokeKey', () => {
  it('unpublishes a retired key at once and records why; refuses what it cannot do', async () => {
    const name = 'revocation';
    const first = await createKeySet(name, { autoRotate: false });
    const oldToken = await sign(name, { sub: 'signed by the first key' });
    clock.advance(10);
    const second = (await kw.rpc.rotate({ keySet: name, reason: 'routine', mode: IMMEDIATE })).newKey!;
    expect(await jwksKids(kw.httpUrl, name)).toContain(first.kid);
    const etagBefore = (await fetchJwks(kw.httpUrl, name)).etag;

    clock.advance(10);
    const revokedAt = clock.now();
    const revoked = await kw.rpc.revokeKey({ kid: first.kid, reason: '  leaked in a log file  ' });
    expect(revoked.revokedKey).toMatchObject({
      kid: first.kid,
      state: REVOKED,
      revokedAt,
      revocationReason: 'leaked in a log file',
    });
    expect(revoked.replacementKey).toBeUndefined();
    expect(revoked.warning).toBe('');

    // Gone at once, over HTTP and over GetJWKS, with a new ETag.
    const served = await fetchJwks(kw.httpUrl, name);
    expect(served.keys.map((key) => key.kid)).toEqual([second.kid]);
    expect(served.etag).not.toBe(etagBefore);
    const viaRpc = await kw.rpc.getJwks({ keySet: name });
    expect((JSON.parse(viaRpc.jwksJson) as { keys: { kid: string }[] }).keys.map((key) => key.kid)).toEqual([
      second.kid,
    ]);
    expect(viaRpc.etag).toBe(served.etag);
    // Its tokens stop verifying against the served JWKS.
    await expect(
      jwtVerify(oldToken.jws, createLocalJWKSet(JSON.parse(served.text) as JSONWebKeySet), {
        currentDate: clock.now(),
      }),
    ).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    expect(await keyOf(kw.rpc, name, first.kid)).toMatchObject({
      state: REVOKED,
      revokedAt,
      revocationReason: 'leaked in a log file',
    });
    // The signer is untouched.
    expect((await sign(name)).kid).toBe(second.kid);

    const noReason = await grpcError(kw.rpc.revokeKey({ kid: second.kid, reason: '' }));
    expect(noReason.code).toBe(status.INVALID_ARGUMENT);
    expect(noReason.details).toMatch(/^reason: /);
    const blankReason = await grpcError(kw.rpc.revokeKey({ kid: second.kid, reason: '   ' }));
    expect(blankReason.code).toBe(status.INVALID_ARGUMENT);
    const noKid = await grpcError(kw.rpc.revokeKey({ kid: '', reason: 'x' }));
    expect(noKid.code).toBe(status.INVALID_ARGUMENT);
    expect(noKid.details).toMatch(/^kid: /);
    const unknown = await grpcError(kw.rpc.revokeKey({ kid: 'no-such-kid', reason: 'x' }));
    expect(unknown.code).toBe(status.NOT_FOUND);
    expect(unknown.details).toContain('no-such-kid');
    const again = await grpcError(kw.rpc.revokeKey({ kid: first.kid, reason: 'again' }));
    expect(again.code).toBe(status.FAILED_PRECONDITION);
    expect(again.details).toMatch(/already revoked/);
    // None of the refusals changed anything, nor left an event.
    expect((await keyOf(kw.rpc, name, second.kid)).state).toBe(ACTIVE);
    expect((await keyOf(kw.rpc, name, first.kid)).revocationReason).toBe('leaked in a log file');
    expect(await trail(name)).toEqual([
      ['key_set.created', first.kid, ADMIN_ACTOR, ''],
      ['key.rotation_requested', second.kid, ADMIN_ACTOR, 'routine'],
      ['key.retired', first.kid, ADMIN_ACTOR, 'routine'],
      ['key.activated', second.kid, ADMIN_ACTOR, 'routine'],
      ['key.revoked', first.kid, ADMIN_ACTOR, 'leaked in a log file'],
    ]);
  });

  it('revoking the signer promotes the pending key when there is one, else a brand-new key with a warning', async () => {
    const name = 'revoke-signer';
    const first = await createKeySet(name, { autoRotate: false });
    clock.advance(10);
    const pending = (await kw.rpc.rotate({ keySet: name, reason: 'planned', mode: SCHEDULED })).newKey!;
    // Published for longer than clients may cache the JWKS.
    clock.advance(CACHE_HORIZON + 30);
    const at = clock.now();

    const withPending = await kw.rpc.revokeKey({ kid: first.kid, reason: 'compromised host' });
    expect(withPending.revokedKey).toMatchObject({ kid: first.kid, state: REVOKED, revokedAt: at });
    expect(withPending.replacementKey).toMatchObject({
      kid: pending.kid,
      state: ACTIVE,
      activatedAt: at,
      createdAt: pending.createdAt,
    });
    expect(withPending.warning).toBe('');
    expect((await sign(name)).kid).toBe(pending.kid);
    expect(await jwksKids(kw.httpUrl, name)).toEqual([pending.kid]);

    clock.advance(10);
    const at2 = clock.now();
    const without = await kw.rpc.revokeKey({ kid: pending.kid, reason: 'compromised again' });
    const fresh = without.replacementKey!;
    expect(fresh.kid).not.toBe(first.kid);
    expect(fresh.kid).not.toBe(pending.kid);
    expect(fresh).toMatchObject({ state: ACTIVE, createdAt: at2, activatedAt: at2 });
    expect(without.warning).toMatch(/cached JWKS/);
    expect(without.warning).toContain(fresh.kid);
    const signed = await sign(name);
    expect(signed.kid).toBe(fresh.kid);
    expect(await jwksKids(kw.httpUrl, name)).toEqual([fresh.kid]);
    const served = createLocalJWKSet(JSON.parse((await fetchJwks(kw.httpUrl, name)).text) as JSONWebKeySet);
    await expect(jwtVerify(signed.jws, served, { currentDate: clock.now() })).resolves.toBeDefined();
    expect([...(await keysByKid(kw.rpc, name)).values()].map((key) => [key.kid, key.state])).toEqual([
      [first.kid, REVOKED],
      [pending.kid, REVOKED],
      [fresh.kid, ACTIVE],
    ]);
    // Each revocation is recorded with the promotion it caused, under the revocation's reason.
    expect(await trail(name)).toEqual([
      ['key_set.created', first.kid, ADMIN_ACTOR, ''],
      ['key.rotation_requested', pending.kid, ADMIN_ACTOR, 'planned'],
      ['key.published', pending.kid, ADMIN_ACTOR, 'planned'],
      ['key.revoked', first.kid, ADMIN_ACTOR, 'compromised host'],
      ['key.activated', pending.kid, ADMIN_ACTOR, 'compromised host'],
      ['key.revoked', pending.kid, ADMIN_ACTOR, 'compromised again'],
      ['key.activated', fresh.kid, ADMIN_ACTOR, 'compromised again'],
    ]);
  });
});

describe('RevokeKey of the signer while the pending key is fresh', () => {
  it('warns when the pending key it promotes was published more recently than clients cache the JWKS', async () => {
    const name = 'revoke-young-pending';
    const first = await createKeySet(name, { autoRotate: false });
    clock.advance(10);
    const pending = (await kw.rpc.rotate({ keySet: name, reason: 'planned', mode: SCHEDULED })).newKey!;
    clock.advance(5);
    const revoked = await kw.rpc.revokeKey({ kid: first.kid, reason: 'compromised' });
    expect(revoked.replacementKey!.kid).toBe(pending.kid);
    expect(revoked.warning).toMatch(/cached JWKS/);
  });
});

describe('UpdateKeySetPolicy', () => {
  it('applies and returns a valid change; unset fields keep their value', async () => {
    const name = 'policy';
    await createKeySet(name);
    // The defaults under max-age 300: pre-publish twice the max-age, everything else documented.
    expect(policyOf((await kw.rpc.getKeySet({ keySet: name })).keySet)).toEqual({
      algorithm: 'ES256',
      rotation: 30 * 86_400,
      prePublish: 600,
      grace: 86_400,
      retention: 30 * 86_400,
      maxTokenTtl: 3_600,
      excessTtl: ExcessTtl.EXCESS_TTL_REFUSE,
      autoRotate: true,
      readiness: undefined,
    });

    const wanted = {
      algorithm: 'ES256',
      rotation: 7_200,
      prePublish: 900,
      grace: 8_000,
      retention: 4_000,
      maxTokenTtl: 1_800,
      excessTtl: ExcessTtl.EXCESS_TTL_CLAMP,
      autoRotate: false,
      readiness: { minShare: 0.5, maxDelay: 120 },
    };
    const updated = await kw.rpc.updateKeySetPolicy({ keySet: name, reason: 'tune', policy: policy(wanted) });
    expect(policyOf(updated.keySet)).toEqual(wanted);
    expect(policyOf((await kw.rpc.getKeySet({ keySet: name })).keySet)).toEqual(wanted);

    // A partial change: only the retention moves; naming the hold in the mask without a value
    // removes it.
    const partial = await kw.rpc.updateKeySetPolicy({
      keySet: name,
      reason: '',
      policy: policy({ retention: 5_000, grace: 1 }),
      updateMask: ['retention_period', 'activation_readiness'],
    });
    expect(policyOf(partial.keySet)).toEqual({ ...wanted, retention: 5_000, readiness: undefined });
    // No policy at all changes nothing.
    const none = await kw.rpc.updateKeySetPolicy({ keySet: name, reason: '' });
    expect(policyOf(none.keySet)).toEqual({ ...wanted, retention: 5_000, readiness: undefined });
    const updates = (await kw.rpc.listEvents({ keySet: name, kid: '', pageSize: 10, pageToken: '' })).events
      .filter((event) => event.type === 'key_set.policy_updated')
      .reverse();
    expect(updates.map((event) => [event.actor, event.reason])).toEqual([
      [ADMIN_ACTOR, 'tune'],
      [ADMIN_ACTOR, ''],
      [ADMIN_ACTOR, ''],
    ]);
    expect(JSON.parse(updates[0]!.beforeJson)).toMatchObject({
      rotationPeriodSeconds: 30 * 86_400,
      activationReadiness: null,
    });
    expect(JSON.parse(updates[0]!.afterJson)).toMatchObject({
      rotationPeriodSeconds: 7_200,
      excessTtl: 'clamp',
      activationReadiness: { minShare: 0.5, maxDelaySeconds: 120 },
    });
    expect(JSON.parse(updates[1]!.afterJson)).toMatchObject({
      retentionPeriodSeconds: 5_000,
      activationReadiness: null,
    });
  });

  // Current policy of key set "policy" here: rotation 7 200, pre-publish 900, grace 8 000, ttl 1 800.
  it.each<[string, PolicyFields, RegExp]>([
    [
      'pre-publish shorter than max-age',
      { prePublish: 200 },
      /pre_publish_period: 200s is shorter than the 360s a client may cache the JWKS \(max-age 300s \+ stale-while-revalidate 60s\); clients would meet tokens whose kid they cannot find/,
    ],
    [
      'pre-publish shorter than max-age + stale-while-revalidate',
      { prePublish: CACHE_HORIZON - 1 },
      /pre_publish_period: 359s is shorter than the 360s/,
    ],
    [
      'grace shorter than max_token_ttl + max-age',
      { grace: 1_800 + MAX_AGE - 1 },
      /grace_period: 2099s is shorter than max_token_ttl \(1800s\) plus the JWKS max-age \(300s\) = 2100s; tokens signed just before a rotation would stop verifying/,
    ],
    [
      'max_token_ttl raised beyond what the grace covers',
      { maxTokenTtl: 8_000 - MAX_AGE + 1 },
      /grace_period: 8000s is shorter than max_token_ttl \(7701s\)/,
    ],
    [
      'rotation equal to pre-publish',
      { rotation: 900 },
      /rotation_period: 900s must be longer than pre_publish_period \(900s\), or a key would be replaced before it ever signs/,
    ],
    [
      'pre-publish raised to the rotation period',
      { prePublish: 7_200 },
      /rotation_period: 7200s must be longer than pre_publish_period \(7200s\)/,
    ],
    [
      'rotation shorter than pre-publish',
      { rotation: 600 },
      /rotation_period: 600s must be longer than pre_publish_period \(900s\)/,
    ],
    [
      'an activation hold with a zero share',
      { readiness: { minShare: 0, maxDelay: 60 } },
      /min_share: must be more than 0 and at most 1/,
    ],
    [
      'an activation hold with a share above 1',
      { readiness: { minShare: 1.5, maxDelay: 60 } },
      /min_share: must be more than 0 and at most 1/,
    ],
    ['an unknown algorithm', { algorithm: 'HS256' }, /algorithm: /],
  ])(
    'refuses an unsafe change (%s) with INVALID_ARGUMENT naming the field, and keeps the policy',
    async (_case, fields, message) => {
      const before = policyOf((await kw.rpc.getKeySet({ keySet: 'policy' })).keySet);
      const eventsBefore = await trail('policy');
      const error = await grpcError(
        kw.rpc.updateKeySetPolicy({ keySet: 'policy', reason: 'unsafe', policy: policy(fields) }),
      );
      expect(error.code).toBe(status.INVALID_ARGUMENT);
      expect(error.details).toMatch(message);
      expect(policyOf((await kw.rpc.getKeySet({ keySet: 'policy' })).keySet)).toEqual(before);
      expect(await trail('policy')).toEqual(eventsBefore);
    },
  );

  it('accepts the boundaries of the safety rules, refuses fractional seconds and unknown key sets', async () => {
    const name = 'policy-bounds';
    await createKeySet(name, { maxTokenTtl: 1_800, grace: 8_000, rotation: 7_200, prePublish: 900 });
    const accepted = await kw.rpc.updateKeySetPolicy({
      keySet: name,
      reason: 'tightest safe values',
      policy: policy({ prePublish: CACHE_HORIZON, rotation: CACHE_HORIZON + 1, grace: 1_800 + MAX_AGE }),
    });
    expect(policyOf(accepted.keySet)).toMatchObject({
      prePublish: 360,
      rotation: 361,
      grace: 2_100,
      maxTokenTtl: 1_800,
    });

    const fractional = await grpcError(
      kw.rpc.updateKeySetPolicy({
        keySet: name,
        reason: '',
        policy: { ...policy({}), rotationPeriod: { seconds: '7200', nanos: 500_000_000 } },
      }),
    );
    expect(fractional.code).toBe(status.INVALID_ARGUMENT);
    expect(fractional.details).toMatch(/^policy\.rotation_period: /);
    const missing = await grpcError(
      kw.rpc.updateKeySetPolicy({ keySet: 'no-such-set', reason: '', policy: policy({ rotation: 7_200 }) }),
    );
    expect(missing.code).toBe(status.NOT_FOUND);
  });

  it('changes the algorithm at the next rotation; both algorithms stay published through the grace period', async () => {
    const name = 'migrate';
    const GRACE = 7_200;
    const PRE_PUBLISH = 600;
    const first = await createKeySet(name, { autoRotate: false, grace: GRACE, prePublish: PRE_PUBLISH }, 'ES256');
    const updated = await kw.rpc.updateKeySetPolicy({
      keySet: name,
      reason: 'move to Ed25519',
      policy: policy({ algorithm: 'EdDSA' }),
    });
    expect(updated.keySet).toMatchObject({ algorithm: 'EdDSA', rsaModulusBits: 0, activeKid: first.kid });

    // The current key keeps signing ES256; nothing new is published yet.
    const esToken = await sign(name, { sub: 'es' });
    expect(esToken).toMatchObject({ kid: first.kid, alg: 'ES256' });
    expect((await fetchJwks(kw.httpUrl, name)).keys.map((key) => key.alg)).toEqual(['ES256']);
    expect((await fetchDiscovery(kw.httpUrl, name)).id_token_signing_alg_values_supported).toEqual(['ES256']);

    clock.advance(10);
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'migrate', mode: SCHEDULED });
    const edKid = rotated.newKey!.kid;
    expect(rotated.newKey).toMatchObject({ alg: 'EdDSA', state: PENDING });
    expect(JSON.parse(rotated.newKey!.publicJwkJson)).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA' });
    expect((await sign(name)).alg).toBe('ES256');

    clock.set(addSeconds(rotated.newKey!.createdAt!, PRE_PUBLISH + 1));
    await kw.running.scheduler.tick();
    const retiredAt = (await keyOf(kw.rpc, name, first.kid)).retiredAt!;
    const edToken = await sign(name, { sub: 'ed' });
    expect(edToken).toMatchObject({ kid: edKid, alg: 'EdDSA' });

    const bothAlgs = async () => {
      const jwks = await fetchJwks(kw.httpUrl, name);
      expect(jwks.keys.map((key) => [key.kid, key.alg])).toEqual([
        [edKid, 'EdDSA'],
        [first.kid, 'ES256'],
      ]);
      expect(
        [...((await fetchDiscovery(kw.httpUrl, name)).id_token_signing_alg_values_supported as string[])].sort(),
      ).toEqual(['ES256', 'EdDSA']);
      const served = createLocalJWKSet(JSON.parse(jwks.text) as JSONWebKeySet);
      await expect(jwtVerify(esToken.jws, served, { currentDate: clock.now() })).resolves.toMatchObject({
        protectedHeader: { alg: 'ES256' },
      });
      await expect(jwtVerify(edToken.jws, served, { currentDate: clock.now() })).resolves.toMatchObject({
        protectedHeader: { alg: 'EdDSA' },
      });
    };
    await bothAlgs();
    clock.set(addSeconds(retiredAt, GRACE - 1));
    await kw.running.scheduler.tick();
    expect((await sign(name, { sub: 'ed again' })).alg).toBe('EdDSA');
    // esToken has expired by now (max_token_ttl 1 h); check the documents only.
    const late = await fetchJwks(kw.httpUrl, name);
    expect(late.keys.map((key) => key.alg)).toEqual(['EdDSA', 'ES256']);
    expect(
      [...((await fetchDiscovery(kw.httpUrl, name)).id_token_signing_alg_values_supported as string[])].sort(),
    ).toEqual(['ES256', 'EdDSA']);

    // After the grace period the ES256 key leaves both documents.
    clock.set(addSeconds(retiredAt, GRACE + 1));
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, first.kid)).state).toBe(EXPIRED);
    expect((await fetchJwks(kw.httpUrl, name)).keys.map((key) => key.alg)).toEqual(['EdDSA']);
    expect((await fetchDiscovery(kw.httpUrl, name)).id_token_signing_alg_values_supported).toEqual(['EdDSA']);
  });
});

describe('UpdateKeySetPolicy between RSA algorithms', () => {
  it('keeps the RSA modulus length when only the algorithm changes from RS256 to PS256', async () => {
    const name = 'rsa-migrate';
    const created = await kw.rpc.createKeySet({ keySet: name, algorithm: 'RS256', rsaModulusBits: 3072, kidScheme: 0 });
    expect(created.keySet).toMatchObject({ algorithm: 'RS256', rsaModulusBits: 3072 });
    const updated = await kw.rpc.updateKeySetPolicy({
      keySet: name,
      reason: 'PSS',
      policy: policy({ algorithm: 'PS256' }),
    });
    expect(updated.keySet!.algorithm).toBe('PS256');
    expect(updated.keySet!.rsaModulusBits).toBe(3072);
  });
});

describe('max_token_ttl', () => {
  it('gives tokens without exp the longest lifetime, and refuses or clamps a longer one', async () => {
    const name = 'ttl';
    await createKeySet(name, { maxTokenTtl: 600 });
    const nowSeconds = () => Math.floor(clock.now().getTime() / 1_000);

    const plain = await sign(name, { sub: 'no exp' });
    expect(payloadOf(plain.jws)).toEqual({ sub: 'no exp', iat: nowSeconds(), exp: nowSeconds() + 600 });

    const atLimit = await sign(name, { exp: nowSeconds() + 600 });
    expect(payloadOf(atLimit.jws).exp).toBe(nowSeconds() + 600);
    const shorter = await sign(name, { exp: nowSeconds() + 60 });
    expect(payloadOf(shorter.jws).exp).toBe(nowSeconds() + 60);

    const refused = await grpcError(sign(name, { exp: nowSeconds() + 601 }));
    expect(refused.code).toBe(status.INVALID_ARGUMENT);
    expect(refused.details).toBe("claims_json.exp: is 601s from now; this key set's max_token_ttl is 600s");

    await kw.rpc.updateKeySetPolicy({
      keySet: name,
      reason: 'clamp',
      policy: policy({ excessTtl: ExcessTtl.EXCESS_TTL_CLAMP }),
    });
    const clamped = await sign(name, { sub: 'too long', exp: nowSeconds() + 86_400 });
    expect(payloadOf(clamped.jws)).toEqual({ sub: 'too long', iat: nowSeconds(), exp: nowSeconds() + 600 });
    const served = createLocalJWKSet(JSON.parse((await fetchJwks(kw.httpUrl, name)).text) as JSONWebKeySet);
    await expect(jwtVerify(clamped.jws, served, { currentDate: clock.now() })).resolves.toBeDefined();

    // A later ttl applies to later tokens.
    await kw.rpc.updateKeySetPolicy({ keySet: name, reason: 'longer', policy: policy({ maxTokenTtl: 1_200 }) });
    expect(payloadOf((await sign(name)).jws).exp).toBe(nowSeconds() + 1_200);
  });
});

describe('ListEvents', () => {
  it('records every lifecycle step and admin action with actor, reason and before/after', async () => {
    const name = 'audit';
    const PRE_PUBLISH = 600;
    const GRACE = 3_900;
    const RETENTION = 3_600;
    const first = await createKeySet(name, {
      autoRotate: false,
      grace: GRACE,
      retention: RETENTION,
      prePublish: PRE_PUBLISH,
    });
    const t0 = first.createdAt!;

    clock.set(addSeconds(t0, 10));
    await kw.rpc.updateKeySetPolicy({
      keySet: name,
      reason: 'shorter retention',
      policy: policy({ retention: RETENTION - 600 }),
    });
    const retention = RETENTION - 600;

    clock.set(addSeconds(t0, 20));
    const second = (await kw.rpc.rotate({ keySet: name, reason: 'scheduled one', mode: SCHEDULED })).newKey!;
    const promotedAt = addSeconds(t0, 20 + PRE_PUBLISH);
    clock.set(addSeconds(promotedAt, 5));
    await kw.running.scheduler.tick();

    clock.set(addSeconds(t0, 700));
    const third = (await kw.rpc.rotate({ keySet: name, reason: 'emergency', mode: IMMEDIATE })).newKey!;
    clock.set(addSeconds(t0, 710));
    await kw.rpc.revokeKey({ kid: second.kid, reason: 'compromised' });

    // One tick after everything fell due: the second key's destruction (t0+710+retention) comes
    // before the first key's expiry (t0+620+grace) and destruction, in the order they were due.
    const secondDestroyedAt = addSeconds(t0, 710 + retention);
    const firstExpiredAt = addSeconds(promotedAt, GRACE);
    const firstDestroyedAt = addSeconds(firstExpiredAt, retention);
    expect(secondDestroyedAt < firstExpiredAt).toBe(true);
    clock.set(addSeconds(firstDestroyedAt, 60));
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, first.kid)).state).toBe(DESTROYED);
    expect((await keyOf(kw.rpc, name, second.kid)).state).toBe(DESTROYED);
    // A destroyed key is no longer published and cannot sign: nothing to revoke.
    const tooLate = await grpcError(kw.rpc.revokeKey({ kid: first.kid, reason: 'too late' }));
    expect(tooLate.code).toBe(status.FAILED_PRECONDITION);
    expect(tooLate.details).toMatch(/DESTROYED/);

    const { events, nextPageToken } = await kw.rpc.listEvents({ keySet: name, kid: '', pageSize: 100, pageToken: '' });
    expect(nextPageToken).toBe('');
    const iso = (at: Date) => at.toISOString();
    const json = (text: string) => (text === '' ? null : (JSON.parse(text) as Record<string, unknown>));
    const oldestFirst = [...events].reverse().map((event) => ({
      type: event.type,
      kid: event.kid,
      actor: event.actor,
      reason: event.reason,
      before: json(event.beforeJson),
      after: json(event.afterJson),
    }));
    expect(oldestFirst.map((event) => event.type)).toEqual([
      'key_set.created',
      'key_set.policy_updated',
      'key.rotation_requested',
      'key.published',
      'key.retired',
      'key.activated',
      'key.rotation_requested',
      'key.retired',
      'key.activated',
      'key.revoked',
      'key.destroyed',
      'key.expired',
      'key.destroyed',
    ]);
    expect(oldestFirst[0]).toMatchObject({
      kid: first.kid,
      actor: ADMIN_ACTOR,
      reason: '',
      before: null,
      after: { activeKid: first.kid, policy: { gracePeriodSeconds: GRACE, retentionPeriodSeconds: RETENTION } },
    });
    expect(oldestFirst[1]).toMatchObject({
      kid: '',
      actor: ADMIN_ACTOR,
      reason: 'shorter retention',
      before: { retentionPeriodSeconds: RETENTION, gracePeriodSeconds: GRACE },
      after: { retentionPeriodSeconds: retention, gracePeriodSeconds: GRACE },
    });
    // (Subsets: the events may say more, e.g. which plan caused them.)
    expect(oldestFirst.slice(2)).toMatchObject([
      {
        type: 'key.rotation_requested',
        kid: second.kid,
        actor: ADMIN_ACTOR,
        reason: 'scheduled one',
        before: null,
        after: { mode: 'SCHEDULED' },
      },
      {
        type: 'key.published',
        kid: second.kid,
        actor: ADMIN_ACTOR,
        reason: 'scheduled one',
        before: null,
        after: { state: 'PENDING', at: iso(addSeconds(t0, 20)), alg: 'ES256' },
      },
      {
        type: 'key.retired',
        kid: first.kid,
        actor: SCHEDULER_ACTOR,
        reason: '',
        before: { state: 'ACTIVE' },
        after: { state: 'RETIRED', at: iso(promotedAt) },
      },
      {
        type: 'key.activated',
        kid: second.kid,
        actor: SCHEDULER_ACTOR,
        reason: '',
        before: { state: 'PENDING' },
        after: { state: 'ACTIVE', at: iso(promotedAt) },
      },
      {
        type: 'key.rotation_requested',
        kid: third.kid,
        actor: ADMIN_ACTOR,
        reason: 'emergency',
        before: null,
        after: { mode: 'IMMEDIATE' },
      },
      {
        type: 'key.retired',
        kid: second.kid,
        actor: ADMIN_ACTOR,
        reason: 'emergency',
        before: { state: 'ACTIVE' },
        after: { state: 'RETIRED', at: iso(addSeconds(t0, 700)) },
      },
      {
        type: 'key.activated',
        kid: third.kid,
        actor: ADMIN_ACTOR,
        reason: 'emergency',
        before: null,
        after: { state: 'ACTIVE', at: iso(addSeconds(t0, 700)), alg: 'ES256' },
      },
      {
        type: 'key.revoked',
        kid: second.kid,
        actor: ADMIN_ACTOR,
        reason: 'compromised',
        before: { state: 'RETIRED' },
        after: { state: 'REVOKED', at: iso(addSeconds(t0, 710)) },
      },
      {
        type: 'key.destroyed',
        kid: second.kid,
        actor: SCHEDULER_ACTOR,
        reason: '',
        before: { state: 'REVOKED' },
        after: { state: 'DESTROYED', at: iso(secondDestroyedAt) },
      },
      {
        type: 'key.expired',
        kid: first.kid,
        actor: SCHEDULER_ACTOR,
        reason: '',
        before: { state: 'RETIRED' },
        after: { state: 'EXPIRED', at: iso(firstExpiredAt) },
      },
      {
        type: 'key.destroyed',
        kid: first.kid,
        actor: SCHEDULER_ACTOR,
        reason: '',
        before: { state: 'EXPIRED' },
        after: { state: 'DESTROYED', at: iso(firstDestroyedAt) },
      },
    ]);
    for (const event of events) expect(event.keySet).toBe(name);

    // Filters: by kid (alone, or with the key set).
    const byKid = async (kid: string, keySet = '') =>
      (await kw.rpc.listEvents({ keySet, kid, pageSize: 100, pageToken: '' })).events
        .map((event) => event.type)
        .reverse();
    expect(await byKid(first.kid)).toEqual(['key_set.created', 'key.retired', 'key.expired', 'key.destroyed']);
    expect(await byKid(second.kid, name)).toEqual([
      'key.rotation_requested',
      'key.published',
      'key.activated',
      'key.retired',
      'key.revoked',
      'key.destroyed',
    ]);
    expect(await byKid(third.kid)).toEqual(['key.rotation_requested', 'key.activated']);
    expect(await byKid(first.kid, 'revocation')).toEqual([]);
  });

  it('pages through every event exactly once, newest first', async () => {
    const all = await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 500, pageToken: '' });
    expect(all.nextPageToken).toBe('');
    const counted = await queryDatabase<{ count: string }>(
      kw.databaseUrl,
      'SELECT count(*)::text AS count FROM key_events',
    );
    expect(all.events).toHaveLength(Number(counted[0]!.count));
    expect(all.events.length).toBeGreaterThan(20);
    const ids = all.events.map((event) => BigInt(event.id));
    for (let i = 1; i < ids.length; i += 1) expect(ids[i]! < ids[i - 1]!).toBe(true);

    for (const pageSize of [1, 7, all.events.length - 1, all.events.length]) {
      const seen: string[] = [];
      let pageToken = '';
      let pages = 0;
      do {
        const page = await kw.rpc.listEvents({ keySet: '', kid: '', pageSize, pageToken });
        expect(page.events.length).toBeLessThanOrEqual(pageSize);
        if (page.nextPageToken !== '') expect(page.events).toHaveLength(pageSize);
        seen.push(...page.events.map((event) => event.id));
        pageToken = page.nextPageToken;
        pages += 1;
      } while (pageToken !== '' && pages < 1_000);
      expect(seen).toEqual(all.events.map((event) => event.id));
      expect(pages).toBe(Math.ceil(all.events.length / pageSize));
    }

    // Paging within a filter.
    const audit = (await kw.rpc.listEvents({ keySet: 'audit', kid: '', pageSize: 500, pageToken: '' })).events.map(
      (e) => e.id,
    );
    const firstPage = await kw.rpc.listEvents({ keySet: 'audit', kid: '', pageSize: 4, pageToken: '' });
    const secondPage = await kw.rpc.listEvents({
      keySet: 'audit',
      kid: '',
      pageSize: 4,
      pageToken: firstPage.nextPageToken,
    });
    expect([...firstPage.events, ...secondPage.events].map((event) => event.id)).toEqual(audit.slice(0, 8));

    // The default page is 50.
    expect((await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 0, pageToken: '' })).events).toHaveLength(
      Math.min(50, all.events.length),
    );
  });

  it.each([
    ['garbage', 'not a token'],
    ['base64 of something else', Buffer.from('hello').toString('base64url')],
    ['a non-numeric id', Buffer.from('v1:abc').toString('base64url')],
    ['a negative id', Buffer.from('v1:-5').toString('base64url')],
    ['an id of 20 digits', Buffer.from('v1:12345678901234567890').toString('base64url')],
  ])('refuses a page_token that is %s with INVALID_ARGUMENT', async (_case, pageToken) => {
    const error = await grpcError(kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 10, pageToken }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/^page_token: /);
  });

  it('takes a page_size above 500 as 500 (AIP-158)', async () => {
    const all = await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 500, pageToken: '' });
    const asked = await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 501, pageToken: '' });
    expect(asked.events.map((event) => event.id)).toEqual(all.events.map((event) => event.id));
  });

  it('refuses a page_token whose id does not fit in a bigint with INVALID_ARGUMENT', async () => {
    const pageToken = Buffer.from('v1:9999999999999999999').toString('base64url');
    const error = await grpcError(kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 10, pageToken }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('GetKeyTimeline', () => {
  type Interval = [KeyState, Date, Date | undefined, boolean];
  const intervalsOf = (timeline: KeyTimeline | undefined): Interval[] =>
    timeline!.intervals.map((interval) => [interval.state, interval.start!, interval.end, interval.scheduled]);

  it("shows each key's past and scheduled intervals, mid-rotation, as the policy sets them", async () => {
    const name = 'timeline';
    const ROTATION = 3_600;
    const PRE_PUBLISH = 600;
    const GRACE = 7_200;
    const RETENTION = 3_600;
    const z = await createKeySet(name, {
      rotation: ROTATION,
      prePublish: PRE_PUBLISH,
      grace: GRACE,
      retention: RETENTION,
    });
    const t0 = z.createdAt!;
    const at = (seconds: number) => addSeconds(t0, seconds);

    clock.set(at(100));
    const a = (await kw.rpc.rotate({ keySet: name, reason: 'immediate', mode: IMMEDIATE })).newKey!;
    clock.set(at(200));
    const b = (await kw.rpc.rotate({ keySet: name, reason: 'scheduled', mode: SCHEDULED })).newKey!;
    clock.set(at(250));
    await kw.rpc.revokeKey({ kid: z.kid, reason: 'revoked while retired' });
    clock.set(at(300));

    const timeline = await kw.rpc.getKeyTimeline({ keySet: name });
    expect(timeline.now).toEqual(at(300));
    expect(timeline.keys.map((key) => [key.kid, key.alg, key.state])).toEqual([
      [z.kid, 'ES256', KeyState.KEY_STATE_REVOKED],
      [a.kid, 'ES256', ACTIVE],
      [b.kid, 'ES256', PENDING],
    ]);
    const [zt, at_, bt] = timeline.keys;
    // Z signed from t0, retired at the immediate rotation, was revoked, and is destroyed a
    // retention period after the revocation.
    expect(intervalsOf(zt)).toEqual([
      [ACTIVE, at(0), at(100), false],
      [RETIRED, at(100), at(250), false],
      [REVOKED, at(250), at(250 + RETENTION), false],
      [DESTROYED, at(250 + RETENTION), undefined, true],
    ]);
    // A signs until B has been published for the pre-publish period, then retires, expires after
    // the grace period and is destroyed after the retention period.
    const handover = 200 + PRE_PUBLISH;
    expect(intervalsOf(at_)).toEqual([
      [ACTIVE, at(100), at(handover), false],
      [RETIRED, at(handover), at(handover + GRACE), true],
      [EXPIRED, at(handover + GRACE), at(handover + GRACE + RETENTION), true],
      [DESTROYED, at(handover + GRACE + RETENTION), undefined, true],
    ]);
    // B is pending until then, signs for a rotation period, and follows the same path.
    const bRetires = handover + ROTATION;
    expect(intervalsOf(bt)).toEqual([
      [PENDING, at(200), at(handover), false],
      [ACTIVE, at(handover), at(bRetires), true],
      [RETIRED, at(bRetires), at(bRetires + GRACE), true],
      [EXPIRED, at(bRetires + GRACE), at(bRetires + GRACE + RETENTION), true],
      [DESTROYED, at(bRetires + GRACE + RETENTION), undefined, true],
    ]);
    expect(b.createdAt).toEqual(at(200));

    // Once the handover happened, it is history rather than schedule.
    clock.set(at(handover + 5));
    await kw.running.scheduler.tick();
    const after = await kw.rpc.getKeyTimeline({ keySet: name });
    expect(intervalsOf(after.keys[1])).toEqual([
      [ACTIVE, at(100), at(handover), false],
      [RETIRED, at(handover), at(handover + GRACE), false],
      [EXPIRED, at(handover + GRACE), at(handover + GRACE + RETENTION), true],
      [DESTROYED, at(handover + GRACE + RETENTION), undefined, true],
    ]);
    expect(intervalsOf(after.keys[2]).slice(0, 3)).toEqual([
      [PENDING, at(200), at(handover), false],
      [ACTIVE, at(handover), at(bRetires), false],
      [RETIRED, at(bRetires), at(bRetires + GRACE), true],
    ]);
  });

  it('leaves the signer open-ended without auto-rotation', async () => {
    const only = await createKeySet('timeline-manual', { autoRotate: false });
    const timeline = await kw.rpc.getKeyTimeline({ keySet: 'timeline-manual' });
    expect(timeline.keys.map(intervalsOf)).toEqual([[[ACTIVE, only.createdAt, undefined, false]]]);
  });
});

describe('GetRotationReadiness and the activation hold', () => {
  const HOLD = { minShare: 0.75, maxDelay: 600 };
  const PRE_PUBLISH = 600; // the default under max-age 300

  it('counts distinct clients and holds the activation until enough of them fetched the pending key', async () => {
    const name = 'readiness';
    const first = await createKeySet(name, { autoRotate: false, readiness: HOLD });
    const client = (n: number) => `lifecycle-readiness-client/${n}`;

    // Before anything is pending there is nothing to report.
    const idle = await kw.rpc.getRotationReadiness({ keySet: name });
    expect(idle).toMatchObject({ pendingKid: '', clientsSeen: 0, clientsWithPendingKey: 0, share: 0, minShare: 0.75 });
    expect(idle.eligibleAt).toBeUndefined();
    expect(idle.deadline).toBeUndefined();

    // Six clients hold the old JWKS (one of them fetched twice: still one client).
    for (let n = 1; n <= 6; n += 1) expect(await fetchAs(client(n), name)).toBe(200);
    expect(await fetchAs(client(1), name)).toBe(200);
    await kw.running.flushUsage();
    // Nothing pending, but the clients are counted: an immediate rotation would meet them unprepared.
    expect(await kw.rpc.getRotationReadiness({ keySet: name })).toMatchObject({
      pendingKid: '',
      clientsSeen: 6,
      clientsWithPendingKey: 0,
      jwksMaxAge: duration(MAX_AGE),
      jwksCacheHorizon: duration(MAX_AGE + 60),
    });
    clock.advance(5);
    const publishedAt = clock.now();
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'held rotation', mode: SCHEDULED });
    const pendingKid = rotated.newKey!.kid;
    const eligibleAt = addSeconds(publishedAt, PRE_PUBLISH);
    const deadline = addSeconds(eligibleAt, HOLD.maxDelay);
    expect(rotated.activatesAt).toEqual(eligibleAt);

    // Two more fetch after the publication: they hold the pending key.
    clock.advance(5);
    for (const n of [7, 8]) expect(await fetchAs(client(n), name)).toBe(200);
    await kw.running.flushUsage();

    const early = await kw.rpc.getRotationReadiness({ keySet: name });
    expect(early).toEqual({
      pendingKid,
      window: duration(86_400),
      clientsSeen: 8,
      clientsWithPendingKey: 2,
      share: 0.25,
      minShare: 0.75,
      eligibleAt,
      deadline,
      jwksMaxAge: duration(MAX_AGE),
      jwksCacheHorizon: duration(MAX_AGE + 60),
      clientsWithoutPendingKey: expect.any(Array) as unknown[],
      moreClientsWithoutPendingKey: 0,
    });
    // The six that fetched before the rotation, each holding the first key, under a pseudonym.
    expect(early.clientsWithoutPendingKey.map((c) => c.newestKid)).toEqual(Array(6).fill(first.kid));
    expect(new Set(early.clientsWithoutPendingKey.map((c) => c.clientId)).size).toBe(6);

    // The pre-publish period is over, but only a quarter of the clients have the key: held.
    clock.set(addSeconds(eligibleAt, 10));
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, pendingKid)).state).toBe(PENDING);
    expect((await sign(name)).kid).toBe(first.kid);

    // Three old clients refetch: 5 of 8 is still short of 0.75.
    for (const n of [1, 2, 3]) expect(await fetchAs(client(n), name)).toBe(200);
    await kw.running.flushUsage();
    expect(await kw.rpc.getRotationReadiness({ keySet: name })).toMatchObject({
      clientsSeen: 8,
      clientsWithPendingKey: 5,
      share: 0.625,
    });
    clock.advance(10);
    await kw.running.scheduler.tick();
    expect((await keyOf(kw.rpc, name, pendingKid)).state).toBe(PENDING);

    // A fourth: 6 of 8 = 0.75, and the next tick activates it, now.
    expect(await fetchAs(client(4), name)).toBe(200);
    await kw.running.flushUsage();
    expect(await kw.rpc.getRotationReadiness({ keySet: name })).toMatchObject({
      clientsSeen: 8,
      clientsWithPendingKey: 6,
      share: 0.75,
    });
    clock.advance(10);
    const activatedAt = clock.now();
    expect(activatedAt < deadline).toBe(true);
    await kw.running.scheduler.tick();
    expect(await keyOf(kw.rpc, name, pendingKid)).toMatchObject({ state: ACTIVE, activatedAt });
    expect(await keyOf(kw.rpc, name, first.kid)).toMatchObject({ state: RETIRED, retiredAt: activatedAt });
    expect((await sign(name)).kid).toBe(pendingKid);
    // Nothing is pending any more.
    expect((await kw.rpc.getRotationReadiness({ keySet: name })).pendingKid).toBe('');
  });

  it('activates at the max_delay deadline when clients do not refetch', async () => {
    const name = 'readiness-deadline';
    const first = await createKeySet(name, { autoRotate: false, readiness: HOLD });
    for (let n = 1; n <= 3; n += 1) expect(await fetchAs(`lifecycle-deadline-client/${n}`, name)).toBe(200);
    clock.advance(5);
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'nobody listens', mode: SCHEDULED });
    const pendingKid = rotated.newKey!.kid;
    const eligibleAt = addSeconds(rotated.newKey!.createdAt!, PRE_PUBLISH);
    const deadline = addSeconds(eligibleAt, HOLD.maxDelay);
    await kw.running.flushUsage();
    expect(await kw.rpc.getRotationReadiness({ keySet: name })).toMatchObject({
      pendingKid,
      clientsSeen: 3,
      clientsWithPendingKey: 0,
      share: 0,
      eligibleAt,
      deadline,
    });

    for (const at of [addSeconds(eligibleAt, 1), addSeconds(deadline, -1)]) {
      clock.set(at);
      await kw.running.scheduler.tick();
      expect((await keyOf(kw.rpc, name, pendingKid)).state).toBe(PENDING);
    }
    // A late tick activates it as of the deadline.
    clock.set(addSeconds(deadline, 30));
    await kw.running.scheduler.tick();
    expect(await keyOf(kw.rpc, name, pendingKid)).toMatchObject({ state: ACTIVE, activatedAt: deadline });
    expect(await keyOf(kw.rpc, name, first.kid)).toMatchObject({ state: RETIRED, retiredAt: deadline });
    expect((await sign(name)).kid).toBe(pendingKid);
  });

  it('does not count a HEAD request as a client that fetched the pending key', async () => {
    const name = 'readiness-head';
    await createKeySet(name, { autoRotate: false, readiness: HOLD });
    expect(await fetchAs('lifecycle-head-client/getter', name)).toBe(200);
    expect(await fetchAs('lifecycle-head-client/prober', name)).toBe(200);
    clock.advance(5);
    await kw.rpc.rotate({ keySet: name, reason: 'probe', mode: SCHEDULED });
    clock.advance(5);
    expect(await fetchAs('lifecycle-head-client/prober', name, 'HEAD')).toBe(200);
    await kw.running.flushUsage();
    expect(await kw.rpc.getRotationReadiness({ keySet: name })).toMatchObject({
      clientsSeen: 2,
      clientsWithPendingKey: 0,
    });
  });
});

describe('GetRotationReadiness: the clients that lack the pending key', () => {
  it('lists a client that fetched before the rotation, not one that fetched after, nor the dashboard', async () => {
    const name = 'readiness-clients';
    const first = await createKeySet(name, { autoRotate: false });
    expect(await fetchAs('lagging-verifier/1.0 (before)', name)).toBe(200);
    const beforeAt = clock.now();
    // The dashboard's own look at the JWKS is not a client.
    expect(await fetchAs('keyward-dashboard/1', name)).toBe(200);
    clock.advance(5);
    const rotated = await kw.rpc.rotate({ keySet: name, reason: 'who lags', mode: SCHEDULED });
    clock.advance(5);
    expect(await fetchAs('fresh-verifier/2.0 (after)', name)).toBe(200);
    await kw.running.flushUsage();

    const readiness = await kw.rpc.getRotationReadiness({ keySet: name });
    expect(readiness).toMatchObject({
      pendingKid: rotated.newKey!.kid,
      clientsSeen: 2,
      clientsWithPendingKey: 1,
      moreClientsWithoutPendingKey: 0,
    });
    expect(readiness.clientsWithoutPendingKey).toEqual([
      {
        clientId: expect.stringMatching(/^[0-9a-f]{16}$/) as string,
        firstSeen: beforeAt,
        lastSeen: beforeAt,
        newestKid: first.kid,
        newestKeyCreatedAt: first.createdAt,
      },
    ]);
    // Once it refetches, it holds the key and leaves the list.
    expect(await fetchAs('lagging-verifier/1.0 (before)', name)).toBe(200);
    await kw.running.flushUsage();
    expect(await kw.rpc.getRotationReadiness({ keySet: name })).toMatchObject({
      clientsWithPendingKey: 2,
      clientsWithoutPendingKey: [],
    });
  });

  it('lists at most 50, most recently seen first, and says how many more', async () => {
    const name = 'readiness-many-clients';
    await createKeySet(name, { autoRotate: false });
    for (let n = 0; n < 53; n += 1) {
      expect(await fetchAs(`many-client/${String(n).padStart(2, '0')}`, name)).toBe(200);
      clock.advance(1);
    }
    await kw.rpc.rotate({ keySet: name, reason: 'crowd', mode: SCHEDULED });
    await kw.running.flushUsage();
    const readiness = await kw.rpc.getRotationReadiness({ keySet: name });
    expect(readiness.clientsSeen).toBe(53);
    // Each fetched a second after the one before: the 50 most recent, newest first.
    const lastSeen = readiness.clientsWithoutPendingKey.map((c) => c.lastSeen!.getTime());
    expect(lastSeen).toHaveLength(50);
    expect(lastSeen).toEqual([...lastSeen].sort((a, b) => b - a));
    expect(new Set(lastSeen).size).toBe(50);
    expect(readiness.moreClientsWithoutPendingKey).toBe(3);
  });
});

describe('GetRotationReadiness across replicas', () => {
  it('does not count a client that a lagging replica served the old JWKS as holding the pending key', async () => {
    const database = await createTestDatabase();
    const target = new URL(database.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(database.url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const masterKey = newMasterKey();
    const replicaClock = new FakeClock('2030-06-01T00:00:00Z');
    const writer = await startTestKeyward({ databaseUrl: database.url, masterKey, clock: replicaClock.now });
    const lagging = await startTestKeyward({ databaseUrl: viaProxy.toString(), masterKey, clock: replicaClock.now });
    try {
      const name = 'replicated';
      await writer.rpc.createKeySet({
        keySet: name,
        algorithm: 'ES256',
        kidScheme: 0,
        policy: policy({ autoRotate: false, readiness: { minShare: 0.75, maxDelay: 600 } }),
      });
      // The second replica hears of the new key set through the database's notification (polled
      // over gRPC: a JWKS request would count as a client).
      const deadline = Date.now() + 10_000;
      for (;;) {
        const loaded = await lagging.rpc.getJwks({ keySet: name }).then(
          () => true,
          () => false,
        );
        if (loaded) break;
        if (Date.now() > deadline) throw new Error('the second replica never loaded the key set');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      await proxy.cut();
      replicaClock.advance(5);
      const pendingKid = (await writer.rpc.rotate({ keySet: name, reason: 'while a replica lags', mode: SCHEDULED }))
        .newKey!.kid;
      replicaClock.advance(10);
      // Ten seconds after the publication, the lagging replica still serves the old JWKS.
      const served = await fetch(jwksUrl(lagging.httpUrl, name), {
        headers: { 'user-agent': 'lifecycle-lagging-client' },
      });
      const kids = ((await served.json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
      expect(kids).not.toContain(pendingKid);

      await proxy.restore();
      // Writes through the lagging replica work again (this also re-opens its pool), then its
      // sightings are written.
      const settle = Date.now() + 10_000;
      for (;;) {
        try {
          await lagging.rpc.listEvents({ keySet: name, kid: '', pageSize: 1, pageToken: '' });
          break;
        } catch (error) {
          if (Date.now() > settle) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await lagging.running.flushUsage();
      const readiness = await writer.rpc.getRotationReadiness({ keySet: name });
      expect(readiness).toMatchObject({ pendingKid, clientsSeen: 1 });
      // The one client seen holds a copy without the pending kid.
      expect(readiness.clientsWithPendingKey).toBe(0);
    } finally {
      await lagging.stop();
      await writer.stop();
      await proxy.close();
      await database.drop();
    }
  });
});

describe('privacy of JWKS clients', () => {
  it('keeps no client address or User-Agent in the database, only 32-byte keyed hashes', async () => {
    // The clients of the readiness tests above (tests in a file run in order), plus one more.
    expect(await fetchAs('lifecycle-privacy-client/1 (secret-agent)', 'readiness')).toBe(200);
    await kw.running.flushUsage();
    const userAgents = [
      ...Array.from({ length: 8 }, (_, i) => `lifecycle-readiness-client/${i + 1}`),
      ...Array.from({ length: 3 }, (_, i) => `lifecycle-deadline-client/${i + 1}`),
      'lifecycle-head-client/getter',
      'lifecycle-head-client/prober',
      'lifecycle-privacy-client/1 (secret-agent)',
    ];

    const sightings = await queryDatabase<{ key_set: string; client_hash: Buffer }>(
      kw.databaseUrl,
      `SELECT s.name AS key_set, c.client_hash FROM jwks_client_sightings c JOIN key_sets s ON s.id = c.key_set_id`,
    );
    const bySet = (name: string) => sightings.filter((row) => row.key_set === name);
    expect(bySet('readiness')).toHaveLength(9);
    expect(bySet('readiness-deadline')).toHaveLength(3);
    for (const row of sightings) expect(row.client_hash).toHaveLength(32);
    expect(new Set(bySet('readiness').map((row) => row.client_hash.toString('hex'))).size).toBe(9);

    // A dump of every table, every column, as text; bytea comes out as hex, so look for that too.
    const tables = await queryDatabase<{ table_name: string }>(
      kw.databaseUrl,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((table) => table.table_name)).toContain('jwks_client_sightings');
    let dump = '';
    for (const { table_name } of tables) {
      const rows = await queryDatabase<{ row: string }>(
        kw.databaseUrl,
        `SELECT row_to_json(t)::text AS row FROM "${table_name}" t`,
      );
      dump += rows.map((row) => row.row).join('\n');
    }
    expect(dump.length).toBeGreaterThan(1_000);
    const forbidden = ['127.0.0.1', '::ffff:127.0.0.1', ...userAgents, 'lifecycle-readiness-client', 'secret-agent'];
    for (const needle of forbidden) {
      expect(dump).not.toContain(needle);
      expect(dump.toLowerCase()).not.toContain(Buffer.from(needle, 'utf8').toString('hex'));
    }
    // Nor in what the service logged.
    const logs = kw.logs.join('\n');
    for (const needle of [...userAgents, 'secret-agent']) expect(logs).not.toContain(needle);
  });
});
