import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { thrownBy } from '../test-support/thrown.js';
import { signingKeys, type KeySetFacts, type ReadinessShare } from './facts.js';
import { transition } from './plan.js';
import {
  assertValidPolicy,
  cacheHorizonSeconds,
  defaultPolicy,
  policyProblems,
  type KeySetPolicy,
  type PolicyContext,
} from './policy.js';
import { planRevocation, planRotation, promotion } from './rotation.js';
import { activationTime, expiryDue, nextDuePlan } from './schedule.js';
import { canSign, holdsPrivateMaterial, isPublished, KEY_STATES, type KeyState } from './states.js';
import { CONTEXT, key, keySet, policy, POLICY, t, T0 } from './test-support/fixtures.js';
import { KeySetSimulator } from './test-support/simulator.js';
import { projectTimeline, type KeyTimeline } from './timeline.js';
import { assertTransition, isAllowedTransition } from './transitions.js';

describe('transitions', () => {
  it('allows exactly the documented moves', () => {
    const allowed = KEY_STATES.flatMap((from) =>
      KEY_STATES.filter((to) => isAllowedTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed).toEqual([
      'PENDING->ACTIVE',
      'PENDING->REVOKED',
      'ACTIVE->RETIRED',
      'ACTIVE->REVOKED',
      'RETIRED->EXPIRED',
      'RETIRED->REVOKED',
      'EXPIRED->DESTROYED',
      'REVOKED->DESTROYED',
    ]);
  });

  it('never leaves DESTROYED and never returns a REVOKED key to a published state', () => {
    for (const to of KEY_STATES) {
      expect(isAllowedTransition('DESTROYED', to)).toBe(false);
      if (isPublished(to)) expect(isAllowedTransition('REVOKED', to)).toBe(false);
    }
  });

  it('lets every live state be revoked', () => {
    for (const from of ['PENDING', 'ACTIVE', 'RETIRED'] as const)
      expect(isAllowedTransition(from, 'REVOKED')).toBe(true);
  });

  it('refuses an illegal move with FAILED_PRECONDITION naming the key', () => {
    expect(() => assertTransition('k1', 'RETIRED', 'ACTIVE')).toThrow(
      new KeywardError('FAILED_PRECONDITION', 'key k1 is RETIRED and cannot become ACTIVE'),
    );
    expect(thrownBy(() => assertTransition('k1', 'RETIRED', 'ACTIVE')).code).toBe('FAILED_PRECONDITION');
    expect(() => assertTransition('k1', 'RETIRED', 'EXPIRED')).not.toThrow();
  });

  it('only ACTIVE signs, only PENDING, ACTIVE and RETIRED are published, only DESTROYED lacks material', () => {
    expect(KEY_STATES.filter(canSign)).toEqual(['ACTIVE']);
    expect(KEY_STATES.filter(isPublished)).toEqual(['PENDING', 'ACTIVE', 'RETIRED']);
    expect(KEY_STATES.filter((state) => !holdsPrivateMaterial(state))).toEqual(['DESTROYED']);
  });

  it('reaches DESTROYED from every state but DESTROYED itself, following allowed moves', () => {
    const reaches = (from: KeyState, seen = new Set<KeyState>()): boolean =>
      from === 'DESTROYED' ||
      KEY_STATES.some((to) => isAllowedTransition(from, to) && !seen.has(to) && reaches(to, new Set([...seen, to])));
    for (const state of KEY_STATES) expect(reaches(state)).toBe(true);
  });
});

describe('signingKeys', () => {
  it('finds the ACTIVE and the newest PENDING sig key, ignoring other uses', () => {
    const facts = keySet([
      key('e', 'ACTIVE', { use: 'enc' }),
      key('a', 'ACTIVE'),
      key('p1', 'PENDING', { createdAt: t(10) }),
      key('p2', 'PENDING', { createdAt: t(20) }),
      key('ep', 'PENDING', { use: 'enc', createdAt: t(30) }),
    ]);
    const { active, pending } = signingKeys(facts);
    expect(active?.kid).toBe('a');
    expect(pending?.kid).toBe('p2');
  });
});

describe('planRotation', () => {
  const active = key('a', 'ACTIVE', { createdAt: t(-600), activatedAt: t(0) });
  const pending = key('p', 'PENDING', { createdAt: t(100) });

  it('SCHEDULED publishes one PENDING key created now', () => {
    expect(planRotation(keySet([active]), 'SCHEDULED', t(50))).toEqual({
      event: 'key.published',
      changes: [{ kind: 'create', state: 'PENDING', at: t(50) }],
      existingPendingKid: undefined,
    });
  });

  it('SCHEDULED while one is pending returns it and changes nothing', () => {
    expect(planRotation(keySet([active, pending]), 'SCHEDULED', t(200))).toEqual({
      event: 'key.published',
      changes: [],
      existingPendingKid: 'p',
    });
  });

  it('SCHEDULED twice in a row creates a single key (a rotation storm publishes one successor)', () => {
    const sim = new KeySetSimulator(POLICY);
    sim.addKey({ kid: 'a', use: 'sig', state: 'ACTIVE', createdAt: t(-600), activatedAt: t(0) });
    const first = planRotation(sim.facts(), 'SCHEDULED', t(10));
    expect(sim.apply(first, 'rotation:SCHEDULED', t(10))).toEqual(['k1']);
    const second = planRotation(sim.facts(), 'SCHEDULED', t(11));
    expect(second.existingPendingKid).toBe('k1');
    expect(sim.apply(second, 'rotation:SCHEDULED', t(11))).toEqual([]);
    expect(sim.keys.map((k) => `${k.kid}:${k.state}`)).toEqual(['a:ACTIVE', 'k1:PENDING']);
  });

  it('IMMEDIATE with a pending key retires the signer, then promotes the pending key, both now', () => {
    expect(planRotation(keySet([active, pending]), 'IMMEDIATE', t(200))).toEqual({
      event: 'key.rotated',
      changes: [transition('a', 'ACTIVE', 'RETIRED', t(200)), transition('p', 'PENDING', 'ACTIVE', t(200))],
      existingPendingKid: undefined,
    });
  });

  it('IMMEDIATE without a pending key retires the signer, then creates an ACTIVE key', () => {
    expect(planRotation(keySet([active]), 'IMMEDIATE', t(200))).toEqual({
      event: 'key.rotated',
      changes: [transition('a', 'ACTIVE', 'RETIRED', t(200)), { kind: 'create', state: 'ACTIVE', at: t(200) }],
      existingPendingKid: undefined,
    });
  });

  it('IMMEDIATE on an empty key set creates the first signer', () => {
    expect(planRotation(keySet([]), 'IMMEDIATE', t(0))).toEqual({
      event: 'key.activated',
      changes: [{ kind: 'create', state: 'ACTIVE', at: t(0) }],
      existingPendingKid: undefined,
    });
  });

  it('steps the signer down before the successor steps up, so the store never holds two ACTIVE keys', () => {
    for (const keys of [[active], [active, pending]]) {
      const { changes } = planRotation(keySet(keys), 'IMMEDIATE', t(200));
      const retire = changes.findIndex((c) => c.kind === 'transition' && c.to === 'RETIRED');
      const activate = changes.findIndex((c) => (c.kind === 'transition' ? c.to : c.state) === 'ACTIVE');
      expect(retire).toBe(0);
      expect(activate).toBe(1);
      // And the store (simulator, with its one-ACTIVE-per-use index) accepts it.
      const sim = new KeySetSimulator(POLICY);
      for (const k of keys) sim.addKey(k);
      sim.apply(planRotation(sim.facts(), 'IMMEDIATE', t(200)), 'rotation:IMMEDIATE', t(200));
      expect(sim.keys.filter((k) => k.state === 'ACTIVE')).toHaveLength(1);
    }
  });

  it('leaves keys of another use alone', () => {
    const plan = planRotation(keySet([key('e', 'ACTIVE', { use: 'enc' }), active]), 'IMMEDIATE', t(200));
    expect(plan.changes.flatMap((c) => (c.kind === 'transition' ? [c.kid] : []))).toEqual(['a']);
  });
});

describe('promotion', () => {
  const at = t(1_000);
  const now = t(2_000);
  const signer = (lastSignedAt: Date | null) => key('a', 'ACTIVE', { activatedAt: t(0), lastSignedAt });
  const retiredAt = (lastSignedAt: Date | null): Date => {
    const [first] = promotion(signer(lastSignedAt), key('p', 'PENDING'), at, now).changes;
    if (first?.kind !== 'transition') throw new Error('expected the retirement first');
    return first.at;
  };

  it('retires the signer at the promotion time when it last signed before it (or never)', () => {
    expect(retiredAt(null)).toEqual(at);
    expect(retiredAt(t(999))).toEqual(at);
    expect(retiredAt(at)).toEqual(at);
  });

  it('retires the signer at its last signature when that came after the promotion time', () => {
    expect(retiredAt(t(1_001))).toEqual(t(1_001));
    expect(retiredAt(t(1_999))).toEqual(t(1_999));
    expect(retiredAt(now)).toEqual(now);
  });

  it('never retires the signer after now, whatever lastSignedAt says', () => {
    expect(retiredAt(t(2_001))).toEqual(now);
    expect(retiredAt(t(1_000_000))).toEqual(now);
  });

  it('activates the successor at the promotion time, not at the retirement time', () => {
    expect(promotion(signer(t(1_500)), key('p', 'PENDING'), at, now)).toEqual({
      event: 'key.rotated',
      changes: [transition('a', 'ACTIVE', 'RETIRED', t(1_500)), transition('p', 'PENDING', 'ACTIVE', at)],
    });
    expect(promotion(undefined, undefined, at, now)).toEqual({
      event: 'key.activated',
      changes: [{ kind: 'create', state: 'ACTIVE', at }],
    });
  });
});

describe('planRevocation', () => {
  const now = t(500);
  const active = key('a', 'ACTIVE', { createdAt: t(-1_200), activatedAt: t(-600) });
  const pending = key('p', 'PENDING', { createdAt: t(100) });
  const retired = key('r', 'RETIRED', { createdAt: t(-9_000), activatedAt: t(-8_000), retiredAt: t(-600) });
  const expired = key('x', 'EXPIRED', { expiredAt: t(-10) });
  const destroyed = key('d', 'DESTROYED', { destroyedAt: t(-10) });
  const revoked = key('v', 'REVOKED', { revokedAt: t(-10) });
  const all = [active, pending, retired, expired, destroyed, revoked];

  it('unpublishes a PENDING key at once and touches nothing else', () => {
    expect(planRevocation(keySet(all), 'p', now)).toEqual({
      event: 'key.revoked',
      changes: [transition('p', 'PENDING', 'REVOKED', now)],
    });
  });

  it('unpublishes a RETIRED key at once', () => {
    expect(planRevocation(keySet(all), 'r', now)).toEqual({
      event: 'key.revoked',
      changes: [transition('r', 'RETIRED', 'REVOKED', now)],
    });
  });

  it('revoking the signer promotes the pending key at once', () => {
    expect(planRevocation(keySet(all), 'a', now)).toEqual({
      event: 'key.revoked',
      changes: [transition('a', 'ACTIVE', 'REVOKED', now), transition('p', 'PENDING', 'ACTIVE', now)],
    });
  });

  it('revoking the signer with nothing pending creates a new signer at once', () => {
    expect(planRevocation(keySet([active, retired]), 'a', now)).toEqual({
      event: 'key.revoked',
      changes: [transition('a', 'ACTIVE', 'REVOKED', now), { kind: 'create', state: 'ACTIVE', at: now }],
    });
  });

  it('refuses EXPIRED, DESTROYED and REVOKED keys with FAILED_PRECONDITION', () => {
    for (const [kid, state] of [
      ['x', 'EXPIRED'],
      ['d', 'DESTROYED'],
    ] as const) {
      const error = thrownBy(() => planRevocation(keySet(all), kid, now));
      expect(error.code).toBe('FAILED_PRECONDITION');
      expect(error.message).toBe(
        `key ${kid} is ${state}: it is no longer published and cannot sign, so there is nothing to revoke`,
      );
    }
    const error = thrownBy(() => planRevocation(keySet(all), 'v', now));
    expect(error.code).toBe('FAILED_PRECONDITION');
    expect(error.message).toBe('key v is already revoked');
  });

  it('refuses an unknown kid with NOT_FOUND', () => {
    const error = thrownBy(() => planRevocation(keySet(all), 'nope', now));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('key nope does not exist');
  });

  it('revoking an ACTIVE key of another use leaves the sig signer and its pending successor alone', () => {
    // Once a bug: the sig PENDING key was promoted, making two ACTIVE sig keys.
    const enc = key('e', 'ACTIVE', { use: 'enc' });
    for (const keys of [
      [active, pending, enc],
      [active, enc],
    ]) {
      expect(planRevocation(keySet(keys), 'e', now)).toEqual({
        event: 'key.revoked',
        changes: [transition('e', 'ACTIVE', 'REVOKED', now)],
      });
    }
  });
});

describe('nextDuePlan', () => {
  // POLICY: pre-publish 600, rotation 3 600, grace 7 200, retention 86 400.
  const signer = key('a', 'ACTIVE', { createdAt: t(-600), activatedAt: t(0) });

  it('publishes the successor rotation_period - pre_publish_period after activation, created at now', () => {
    const facts = keySet([signer]);
    expect(nextDuePlan(facts, t(2_999))).toBeUndefined();
    expect(nextDuePlan(facts, t(3_000))).toEqual({
      event: 'key.published',
      changes: [{ kind: 'create', state: 'PENDING', at: t(3_000) }],
      dueAt: t(3_000),
    });
    // After downtime the successor is published when the scheduler runs, not back-dated.
    expect(nextDuePlan(facts, t(50_000))).toEqual({
      event: 'key.published',
      changes: [{ kind: 'create', state: 'PENDING', at: t(50_000) }],
      dueAt: t(3_000),
    });
  });

  it('does not publish a successor when auto-rotation is off', () => {
    expect(nextDuePlan(keySet([signer], { autoRotate: false }), t(10_000_000))).toBeUndefined();
  });

  it('does not auto-rotate keys of another use', () => {
    expect(nextDuePlan(keySet([key('e', 'ACTIVE', { use: 'enc', activatedAt: t(0) })]), t(10_000_000))).toBeUndefined();
  });

  it('promotes the pending key once it has been published for the pre-publish period', () => {
    const facts = keySet([signer, key('p', 'PENDING', { createdAt: t(3_000) })]);
    expect(nextDuePlan(facts, t(3_599))).toBeUndefined();
    const expected = {
      event: 'key.rotated',
      changes: [transition('a', 'ACTIVE', 'RETIRED', t(3_600)), transition('p', 'PENDING', 'ACTIVE', t(3_600))],
      dueAt: t(3_600),
    };
    expect(nextDuePlan(facts, t(3_600))).toEqual(expected);
    expect(nextDuePlan(facts, t(9_000))).toEqual(expected); // catch-up: at its due time
  });

  it('retires a late signer at its last signature, not before it', () => {
    const facts = keySet([{ ...signer, lastSignedAt: t(3_700) }, key('p', 'PENDING', { createdAt: t(3_000) })]);
    expect(nextDuePlan(facts, t(4_000))).toEqual({
      event: 'key.rotated',
      changes: [transition('a', 'ACTIVE', 'RETIRED', t(3_700)), transition('p', 'PENDING', 'ACTIVE', t(3_600))],
      dueAt: t(3_600),
    });
  });

  it('activates a pending key when there is no signer', () => {
    expect(nextDuePlan(keySet([key('p', 'PENDING', { createdAt: t(0) })]), t(600))).toEqual({
      event: 'key.activated',
      changes: [transition('p', 'PENDING', 'ACTIVE', t(600))],
      dueAt: t(600),
    });
  });

  it('expires a RETIRED key grace_period after retirement, at that time', () => {
    const facts = keySet([key('r', 'RETIRED', { retiredAt: t(0) })], { autoRotate: false });
    expect(nextDuePlan(facts, t(7_199))).toBeUndefined();
    const expected = {
      event: 'key.expired',
      changes: [transition('r', 'RETIRED', 'EXPIRED', t(7_200))],
      dueAt: t(7_200),
    };
    expect(nextDuePlan(facts, t(7_200))).toEqual(expected);
    expect(nextDuePlan(facts, t(1_000_000))).toEqual(expected);
  });

  it('destroys EXPIRED and REVOKED keys retention_period after they were unpublished', () => {
    for (const [state, field] of [
      ['EXPIRED', 'expiredAt'],
      ['REVOKED', 'revokedAt'],
    ] as const) {
      const facts = keySet([key('u', state, { [field]: t(100) })]);
      expect(nextDuePlan(facts, t(86_499))).toBeUndefined();
      const expected = {
        event: 'key.destroyed',
        changes: [transition('u', state, 'DESTROYED', t(86_500))],
        dueAt: t(86_500),
      };
      expect(nextDuePlan(facts, t(86_500))).toEqual(expected);
      expect(nextDuePlan(facts, t(9_000_000))).toEqual(expected);
    }
  });

  it('never schedules anything for a DESTROYED key', () => {
    expect(
      nextDuePlan(keySet([key('d', 'DESTROYED', { expiredAt: t(0), destroyedAt: t(1) })]), t(1e9)),
    ).toBeUndefined();
  });

  it('returns the earliest due step first, whatever the key order', () => {
    const facts = keySet([
      key('r', 'RETIRED', { retiredAt: t(-7_000) }), // expires at 200
      key('x', 'EXPIRED', { expiredAt: t(-86_000) }), // destroyed at 400
      key('v', 'REVOKED', { revokedAt: t(-86_300) }), // destroyed at 100
    ]);
    expect(nextDuePlan(facts, t(99))).toBeUndefined();
    expect(nextDuePlan(facts, t(1_000))?.dueAt).toEqual(t(100));
    expect(nextDuePlan(facts, t(1_000))?.changes).toEqual([transition('v', 'REVOKED', 'DESTROYED', t(100))]);
    expect(nextDuePlan(facts, t(300))?.dueAt).toEqual(t(100));
    expect(nextDuePlan(facts, t(150))?.dueAt).toEqual(t(100));
  });

  it('catches up after downtime step by step, in the order things were due', () => {
    const sim = new KeySetSimulator(POLICY);
    sim.addKey({ kid: 'a', use: 'sig', state: 'ACTIVE', createdAt: t(-600), activatedAt: t(0) });
    sim.addKey({ kid: 'b', use: 'sig', state: 'PENDING', createdAt: t(1_000) }); // activates at 1 600
    sim.addKey({ kid: 'r', use: 'sig', state: 'RETIRED', createdAt: t(-9_000), retiredAt: t(-5_000) }); // expires at 2 200
    sim.addKey({ kid: 'x', use: 'sig', state: 'REVOKED', createdAt: t(-90_000), revokedAt: t(-80_000) }); // destroyed at 6 400
    const run = sim.runScheduler(t(100_000));
    expect(run.plans.map((plan) => `${plan.event}@${(+plan.dueAt - +T0) / 1000}`)).toEqual([
      'key.rotated@1600', // a retires, b signs
      'key.expired@2200', // r
      'key.published@4600', // b's successor (1 600 + 3 600 - 600), created at now
      'key.destroyed@6400', // x
      'key.expired@8800', // a (1 600 + 7 200)
      'key.destroyed@88600', // r (2 200 + 86 400)
      'key.destroyed@95200', // a (8 800 + 86 400)
    ]);
    const states = Object.fromEntries(sim.keys.map((k) => [k.kid, k.state]));
    expect(states).toEqual({ a: 'DESTROYED', b: 'ACTIVE', r: 'DESTROYED', x: 'DESTROYED', k1: 'PENDING' });
    expect(sim.key('a')).toMatchObject({
      retiredAt: t(1_600),
      expiredAt: t(8_800),
      destroyedAt: t(95_200),
      holdsMaterial: false,
    });
    expect(sim.key('b').activatedAt).toEqual(t(1_600));
    expect(sim.key('k1').createdAt).toEqual(t(100_000));
    // The successor's pre-publish period starts when it really was published.
    expect(nextDuePlan(sim.facts(), t(100_599))).toBeUndefined();
    expect(nextDuePlan(sim.facts(), t(100_600))?.event).toBe('key.rotated');
    expect(sim.runScheduler(t(100_000)).plans).toEqual([]);
  });
});

describe('activationTime with a readiness policy', () => {
  // Pending since 0: eligible at 600 (pre-publish), forced at 600 + 1 800 = 2 400.
  const facts = keySet([key('a', 'ACTIVE', { activatedAt: t(-3_000) }), key('p', 'PENDING', { createdAt: t(0) })], {
    activationReadiness: { minShare: 0.8, maxDelaySeconds: 1_800 },
  });
  const pending = facts.keys[1]!;
  const share =
    (value: number | undefined): ReadinessShare =>
    (kid) =>
      kid === 'p' ? value : 1;

  it('is not due before the pre-publish period, whatever the share', () => {
    expect(activationTime(facts, pending, t(599), share(1))).toEqual(t(600));
    expect(nextDuePlan(facts, t(599), share(1))).toBeUndefined();
  });

  it('holds the key while the share is below the minimum or unknown', () => {
    expect(activationTime(facts, pending, t(1_000), share(0.79))).toBeUndefined();
    expect(activationTime(facts, pending, t(1_000), share(undefined))).toBeUndefined();
    expect(activationTime(facts, pending, t(600), share(0))).toBeUndefined();
    expect(nextDuePlan(facts, t(2_399), share(0.5))).toBeUndefined();
  });

  it('releases it when the share is reached, recording now as the activation', () => {
    expect(activationTime(facts, pending, t(1_000), share(0.8))).toEqual(t(1_000));
    expect(activationTime(facts, pending, t(600), share(1))).toEqual(t(600));
    expect(nextDuePlan(facts, t(1_000), share(0.9))).toEqual({
      event: 'key.rotated',
      changes: [transition('a', 'ACTIVE', 'RETIRED', t(1_000)), transition('p', 'PENDING', 'ACTIVE', t(1_000))],
      dueAt: t(1_000),
    });
  });

  it('forces it at the deadline, dated at the deadline, whatever the share', () => {
    expect(activationTime(facts, pending, t(2_400), share(0))).toEqual(t(2_400));
    expect(activationTime(facts, pending, t(9_999), share(undefined))).toEqual(t(2_400));
    expect(activationTime(facts, pending, t(9_999), share(1))).toEqual(t(2_400));
    expect(nextDuePlan(facts, t(9_999))?.dueAt).toEqual(t(2_400));
  });

  it('without a readiness policy, activates at the end of the pre-publish period', () => {
    const plain = keySet(facts.keys);
    expect(activationTime(plain, pending, t(0), share(0))).toEqual(t(600));
    expect(activationTime(plain, pending, t(1_000), share(0))).toEqual(t(600));
  });

  it('with no extra delay allowed, activates at the end of the pre-publish period', () => {
    const noDelay = keySet(facts.keys, { activationReadiness: { minShare: 1, maxDelaySeconds: 0 } });
    expect(activationTime(noDelay, pending, t(600), share(0))).toEqual(t(600));
  });

  it('lets other due steps through while the key is held', () => {
    const held = { ...facts, keys: [...facts.keys, key('r', 'RETIRED', { retiredAt: t(-7_000) })] };
    expect(nextDuePlan(held, t(1_000), share(0.1))).toEqual({
      event: 'key.expired',
      changes: [transition('r', 'RETIRED', 'EXPIRED', t(200))],
      dueAt: t(200),
    });
  });
});

describe('policyProblems', () => {
  it('accepts the fixture policy and its boundaries', () => {
    expect(cacheHorizonSeconds(CONTEXT)).toBe(360);
    expect(policyProblems(POLICY, CONTEXT)).toEqual([]);
    expect(
      policyProblems(
        policy({ prePublishPeriodSeconds: 360, rotationPeriodSeconds: 361, gracePeriodSeconds: 3_900 }),
        CONTEXT,
      ),
    ).toEqual([]);
    expect(
      policyProblems(policy({ retentionPeriodSeconds: 0, maxTokenTtlSeconds: 1, gracePeriodSeconds: 301 }), CONTEXT),
    ).toEqual([]);
  });

  it('wants whole seconds, naming the field and the minimum', () => {
    const cases: [Partial<KeySetPolicy>, string][] = [
      [{ rotationPeriodSeconds: 0 }, 'rotation_period: must be whole seconds, at least 1 and at most 2147483647'],
      [{ rotationPeriodSeconds: 3_600.5 }, 'rotation_period: must be whole seconds, at least 1 and at most 2147483647'],
      [{ prePublishPeriodSeconds: -1 }, 'pre_publish_period: must be whole seconds, at least 0 and at most 2147483647'],
      [
        { prePublishPeriodSeconds: Number.NaN },
        'pre_publish_period: must be whole seconds, at least 0 and at most 2147483647',
      ],
      [{ gracePeriodSeconds: -1 }, 'grace_period: must be whole seconds, at least 0 and at most 2147483647'],
      [
        { retentionPeriodSeconds: Number.POSITIVE_INFINITY },
        'retention_period: must be whole seconds, at least 0 and at most 2147483647',
      ],
      [{ maxTokenTtlSeconds: 0 }, 'max_token_ttl: must be whole seconds, at least 1 and at most 2147483647'],
    ];
    for (const [overrides, message] of cases) expect(policyProblems(policy(overrides), CONTEXT)).toEqual([message]);
  });

  it('reports every malformed field at once (and no relations between malformed numbers)', () => {
    expect(policyProblems(policy({ rotationPeriodSeconds: -5, maxTokenTtlSeconds: 0.5 }), CONTEXT)).toEqual([
      'rotation_period: must be whole seconds, at least 1 and at most 2147483647',
      'max_token_ttl: must be whole seconds, at least 1 and at most 2147483647',
    ]);
  });

  it('reports readiness problems alongside malformed periods', () => {
    const broken = policy({ rotationPeriodSeconds: 0, activationReadiness: { minShare: 2, maxDelaySeconds: 0 } });
    expect(policyProblems(broken, CONTEXT)).toEqual([
      'rotation_period: must be whole seconds, at least 1 and at most 2147483647',
      'activation_min_share: must be more than 0 and at most 1',
    ]);
  });

  it('wants the pre-publish period to cover the JWKS cache horizon', () => {
    expect(policyProblems(policy({ prePublishPeriodSeconds: 359 }), CONTEXT)).toEqual([
      'pre_publish_period: 359s is shorter than the 360s a client may cache the JWKS (max-age 300s + ' +
        'stale-while-revalidate 60s); clients would meet tokens whose kid they cannot find',
    ]);
  });

  it('wants the rotation period longer than the pre-publish period', () => {
    expect(policyProblems(policy({ rotationPeriodSeconds: 600 }), CONTEXT)).toEqual([
      'rotation_period: 600s must be longer than pre_publish_period (600s), or a key would be replaced before it ever signs',
    ]);
  });

  it('wants the grace period to cover max_token_ttl plus the JWKS max-age', () => {
    expect(policyProblems(policy({ gracePeriodSeconds: 3_899 }), CONTEXT)).toEqual([
      'grace_period: 3899s is shorter than max_token_ttl (3600s) plus the JWKS max-age (300s) = 3900s; ' +
        'tokens signed just before a rotation would stop verifying while still valid',
    ]);
  });

  it('reports each broken relation', () => {
    const problems = policyProblems(
      policy({ prePublishPeriodSeconds: 100, rotationPeriodSeconds: 50, gracePeriodSeconds: 0 }),
      CONTEXT,
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'pre_publish_period',
      'rotation_period',
      'grace_period',
    ]);
  });

  it('checks the readiness settings', () => {
    const readiness = (minShare: number, maxDelaySeconds: number) =>
      policyProblems(policy({ activationReadiness: { minShare, maxDelaySeconds } }), CONTEXT);
    expect(readiness(1, 0)).toEqual([]);
    expect(readiness(0.01, 86_400)).toEqual([]);
    for (const share of [0, -0.5, 1.01, Number.NaN]) {
      expect(readiness(share, 60)).toEqual(['activation_min_share: must be more than 0 and at most 1']);
    }
    for (const delay of [-1, 1.5, Number.NaN]) {
      expect(readiness(0.5, delay)).toEqual([
        'activation_max_delay: must be whole seconds, at least 0 and at most 2147483647',
      ]);
    }
    expect(readiness(2, -1)).toEqual([
      'activation_min_share: must be more than 0 and at most 1',
      'activation_max_delay: must be whole seconds, at least 0 and at most 2147483647',
    ]);
  });

  it('assertValidPolicy refuses with INVALID_ARGUMENT listing the problems', () => {
    const error = thrownBy(() => assertValidPolicy(policy({ gracePeriodSeconds: -1, maxTokenTtlSeconds: 0 }), CONTEXT));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(
      'the policy is refused: grace_period: must be whole seconds, at least 0 and at most 2147483647; max_token_ttl: must be whole seconds, at least 1 and at most 2147483647',
    );
    expect(() => assertValidPolicy(POLICY, CONTEXT)).not.toThrow();
  });

  it('builds the documented defaults', () => {
    expect(defaultPolicy('RS256', undefined, CONTEXT)).toEqual({
      algorithm: 'RS256',
      rsaModulusBits: 2048,
      rotationPeriodSeconds: 30 * 86_400,
      prePublishPeriodSeconds: 600, // max(2 × 300, 360)
      gracePeriodSeconds: 86_400,
      retentionPeriodSeconds: 30 * 86_400,
      maxTokenTtlSeconds: 3_600,
      excessTtl: 'refuse',
      autoRotate: true,
      activationReadiness: null,
    });
    expect(defaultPolicy('EdDSA', undefined, CONTEXT).rsaModulusBits).toBeNull();
  });

  it('gives defaults that are valid for every context', () => {
    const contexts: PolicyContext[] = [
      CONTEXT,
      { jwksMaxAgeSeconds: 0, staleWhileRevalidateSeconds: 0 },
      { jwksMaxAgeSeconds: 60, staleWhileRevalidateSeconds: 86_400 }, // swr-dominated pre-publish
      { jwksMaxAgeSeconds: 86_400, staleWhileRevalidateSeconds: 3_600 }, // grace above one day
      { jwksMaxAgeSeconds: 40 * 86_400, staleWhileRevalidateSeconds: 0 }, // pre-publish beyond 30 days
    ];
    for (const context of contexts)
      expect(policyProblems(defaultPolicy('ES256', undefined, context), context)).toEqual([]);
    expect(defaultPolicy('ES256', undefined, contexts[4]!).rotationPeriodSeconds).toBe(80 * 86_400 + 1);
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.nat({ max: 10_000_000 }), (maxAge, swr) => {
        const context = { jwksMaxAgeSeconds: maxAge, staleWhileRevalidateSeconds: swr };
        expect(policyProblems(defaultPolicy('PS384', 4096, context), context)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('projectTimeline', () => {
  const view = (timelines: KeyTimeline[], kid: string) =>
    timelines
      .find((timeline) => timeline.kid === kid)!
      .intervals.map((i) => [
        i.state,
        i.start.toISOString(),
        i.end?.toISOString() ?? null,
        i.scheduled ? 'scheduled' : 'past',
      ]);

  it('projects a signer and its pending successor through every state to come', () => {
    const facts = keySet([
      key('a', 'ACTIVE', { createdAt: t(-4_200), activatedAt: t(-3_600) }),
      key('b', 'PENDING', { createdAt: t(0) }),
    ]);
    const timelines = projectTimeline(facts, t(100));
    expect(timelines.map((timeline) => timeline.kid)).toEqual(['a', 'b']);
    expect(view(timelines, 'a')).toEqual([
      ['PENDING', '2029-12-31T22:50:00.000Z', '2029-12-31T23:00:00.000Z', 'past'],
      ['ACTIVE', '2029-12-31T23:00:00.000Z', '2030-01-01T00:10:00.000Z', 'past'],
      ['RETIRED', '2030-01-01T00:10:00.000Z', '2030-01-01T02:10:00.000Z', 'scheduled'],
      ['EXPIRED', '2030-01-01T02:10:00.000Z', '2030-01-02T02:10:00.000Z', 'scheduled'],
      ['DESTROYED', '2030-01-02T02:10:00.000Z', null, 'scheduled'],
    ]);
    expect(view(timelines, 'b')).toEqual([
      ['PENDING', '2030-01-01T00:00:00.000Z', '2030-01-01T00:10:00.000Z', 'past'],
      ['ACTIVE', '2030-01-01T00:10:00.000Z', '2030-01-01T01:10:00.000Z', 'scheduled'],
      ['RETIRED', '2030-01-01T01:10:00.000Z', '2030-01-01T03:10:00.000Z', 'scheduled'],
      ['EXPIRED', '2030-01-01T03:10:00.000Z', '2030-01-02T03:10:00.000Z', 'scheduled'],
      ['DESTROYED', '2030-01-02T03:10:00.000Z', null, 'scheduled'],
    ]);
  });

  it('marks what happened as past and what is projected as scheduled, at the boundaries too', () => {
    const facts = keySet([key('b', 'PENDING', { createdAt: t(0) })]);
    expect(view(projectTimeline(facts, t(0)), 'b').slice(0, 2)).toEqual([
      ['PENDING', '2030-01-01T00:00:00.000Z', '2030-01-01T00:10:00.000Z', 'past'],
      ['ACTIVE', '2030-01-01T00:10:00.000Z', '2030-01-01T01:10:00.000Z', 'scheduled'],
    ]);
    expect(view(projectTimeline(facts, t(599)), 'b')[1]?.[3]).toBe('scheduled');
    // Due exactly now but not applied yet: still scheduled, from now.
    expect(view(projectTimeline(facts, t(600)), 'b')[1]).toEqual([
      'ACTIVE',
      '2030-01-01T00:10:00.000Z',
      '2030-01-01T01:10:00.000Z',
      'scheduled',
    ]);
  });

  it('starts a key created ACTIVE without a PENDING interval and rotates it after rotation_period', () => {
    const facts = keySet([key('a', 'ACTIVE', { createdAt: t(0), activatedAt: t(0) })]);
    expect(view(projectTimeline(facts, t(60)), 'a')).toEqual([
      ['ACTIVE', '2030-01-01T00:00:00.000Z', '2030-01-01T01:00:00.000Z', 'past'],
      ['RETIRED', '2030-01-01T01:00:00.000Z', '2030-01-01T03:00:00.000Z', 'scheduled'],
      ['EXPIRED', '2030-01-01T03:00:00.000Z', '2030-01-02T03:00:00.000Z', 'scheduled'],
      ['DESTROYED', '2030-01-02T03:00:00.000Z', null, 'scheduled'],
    ]);
  });

  it('leaves the signer open-ended when auto-rotation is off', () => {
    const facts = keySet([key('a', 'ACTIVE', { createdAt: t(0), activatedAt: t(0) })], { autoRotate: false });
    expect(view(projectTimeline(facts, t(60)), 'a')).toEqual([['ACTIVE', '2030-01-01T00:00:00.000Z', null, 'past']]);
  });

  it('expires a RETIRED key after grace and destroys it after retention', () => {
    const facts = keySet([key('r', 'RETIRED', { createdAt: t(-7_200), activatedAt: t(-6_600), retiredAt: t(-3_000) })]);
    expect(view(projectTimeline(facts, t(0)), 'r')).toEqual([
      ['PENDING', '2029-12-31T22:00:00.000Z', '2029-12-31T22:10:00.000Z', 'past'],
      ['ACTIVE', '2029-12-31T22:10:00.000Z', '2029-12-31T23:10:00.000Z', 'past'],
      ['RETIRED', '2029-12-31T23:10:00.000Z', '2030-01-01T01:10:00.000Z', 'past'],
      ['EXPIRED', '2030-01-01T01:10:00.000Z', '2030-01-02T01:10:00.000Z', 'scheduled'],
      ['DESTROYED', '2030-01-02T01:10:00.000Z', null, 'scheduled'],
    ]);
  });

  it('shows a revoked key going to DESTROYED after retention, from PENDING or from RETIRED', () => {
    const facts = keySet([
      key('p', 'REVOKED', { createdAt: t(0), revokedAt: t(300) }),
      key('r', 'REVOKED', { createdAt: t(-7_200), activatedAt: t(-6_600), retiredAt: t(-3_000), revokedAt: t(-60) }),
    ]);
    const timelines = projectTimeline(facts, t(400));
    expect(view(timelines, 'p')).toEqual([
      ['PENDING', '2030-01-01T00:00:00.000Z', '2030-01-01T00:05:00.000Z', 'past'],
      ['REVOKED', '2030-01-01T00:05:00.000Z', '2030-01-02T00:05:00.000Z', 'past'],
      ['DESTROYED', '2030-01-02T00:05:00.000Z', null, 'scheduled'],
    ]);
    expect(view(timelines, 'r')).toEqual([
      ['PENDING', '2029-12-31T22:00:00.000Z', '2029-12-31T22:10:00.000Z', 'past'],
      ['ACTIVE', '2029-12-31T22:10:00.000Z', '2029-12-31T23:10:00.000Z', 'past'],
      ['RETIRED', '2029-12-31T23:10:00.000Z', '2029-12-31T23:59:00.000Z', 'past'],
      ['REVOKED', '2029-12-31T23:59:00.000Z', '2030-01-01T23:59:00.000Z', 'past'],
      ['DESTROYED', '2030-01-01T23:59:00.000Z', null, 'scheduled'],
    ]);
  });

  it('shows a destroyed key as history only', () => {
    const day = 86_400;
    const facts = keySet([
      key('d', 'DESTROYED', {
        createdAt: t(-7 * day),
        activatedAt: t(-7 * day + 600),
        retiredAt: t(-7 * day + 4_200),
        expiredAt: t(-7 * day + 11_400),
        destroyedAt: t(-6 * day + 11_400),
      }),
    ]);
    expect(view(projectTimeline(facts, t(0)), 'd')).toEqual([
      ['PENDING', '2029-12-25T00:00:00.000Z', '2029-12-25T00:10:00.000Z', 'past'],
      ['ACTIVE', '2029-12-25T00:10:00.000Z', '2029-12-25T01:10:00.000Z', 'past'],
      ['RETIRED', '2029-12-25T01:10:00.000Z', '2029-12-25T03:10:00.000Z', 'past'],
      ['EXPIRED', '2029-12-25T03:10:00.000Z', '2029-12-26T03:10:00.000Z', 'past'],
      ['DESTROYED', '2029-12-26T03:10:00.000Z', null, 'past'],
    ]);
  });

  // Once a bug: a projected step whose time had passed was marked past, though it had not happened.
  it('marks every state the key has not entered yet as scheduled, even when overdue or held', () => {
    const facts = keySet(
      [key('a', 'ACTIVE', { createdAt: t(-4_200), activatedAt: t(-3_600) }), key('b', 'PENDING', { createdAt: t(0) })],
      { activationReadiness: { minShare: 0.9, maxDelaySeconds: 3_600 } },
    );
    // At 1 000 b is held (eligible at 600, forced at 4 200): it is still PENDING and a still signs.
    expect(nextDuePlan(facts, t(1_000), () => 0.5)).toBeUndefined();
    const timelines = projectTimeline(facts, t(1_000));
    const entered = (kid: string): KeyState[] => (kid === 'a' ? ['PENDING', 'ACTIVE'] : ['PENDING']);
    for (const timeline of timelines) {
      for (const interval of timeline.intervals) {
        if (!entered(timeline.kid).includes(interval.state)) expect(interval).toMatchObject({ scheduled: true });
      }
    }
    // The held steps can only happen from now on (16:40 past midnight), and what follows from them.
    expect(view(timelines, 'a')).toEqual([
      ['PENDING', '2029-12-31T22:50:00.000Z', '2029-12-31T23:00:00.000Z', 'past'],
      ['ACTIVE', '2029-12-31T23:00:00.000Z', '2030-01-01T00:16:40.000Z', 'past'],
      ['RETIRED', '2030-01-01T00:16:40.000Z', '2030-01-01T02:16:40.000Z', 'scheduled'],
      ['EXPIRED', '2030-01-01T02:16:40.000Z', '2030-01-02T02:16:40.000Z', 'scheduled'],
      ['DESTROYED', '2030-01-02T02:16:40.000Z', null, 'scheduled'],
    ]);
    expect(view(timelines, 'b')).toEqual([
      ['PENDING', '2030-01-01T00:00:00.000Z', '2030-01-01T00:16:40.000Z', 'past'],
      ['ACTIVE', '2030-01-01T00:16:40.000Z', '2030-01-01T01:16:40.000Z', 'scheduled'],
      ['RETIRED', '2030-01-01T01:16:40.000Z', '2030-01-01T03:16:40.000Z', 'scheduled'],
      ['EXPIRED', '2030-01-01T03:16:40.000Z', '2030-01-02T03:16:40.000Z', 'scheduled'],
      ['DESTROYED', '2030-01-02T03:16:40.000Z', null, 'scheduled'],
    ]);
  });
});

describe('projectTimeline when the scheduler is behind', () => {
  // The projection must predict what catch-up will record: overdue steps at their due times, a
  // late successor publication at now (which pushes the retirement after it).
  const recordedAfterCatchUp = (facts: KeySetFacts, now: Date, until: Date): KeySetSimulator => {
    const sim = new KeySetSimulator(facts.policy);
    for (const k of facts.keys) sim.addKey(k);
    sim.runScheduler(now);
    sim.runContinuously(now, until);
    return sim;
  };
  const projected = (facts: KeySetFacts, now: Date, kid: string, state: KeyState) =>
    projectTimeline(facts, now)
      .find((timeline) => timeline.kid === kid)
      ?.intervals.find((interval) => interval.state === state)?.start;

  it('an overdue expiry: the key is destroyed retention_period after its due time, not after now', () => {
    // Expiry was due at -800; the scheduler records expiredAt -800 and destroys at 85 600.
    const facts = keySet([key('r', 'RETIRED', { activatedAt: t(-9_000), retiredAt: t(-8_000) })], {
      autoRotate: false,
    });
    const sim = recordedAfterCatchUp(facts, t(0), t(200_000));
    expect(sim.key('r')).toMatchObject({ expiredAt: t(-800), destroyedAt: t(85_600) });
    expect(projected(facts, t(0), 'r', 'DESTROYED')).toEqual(t(85_600)); // projected: 86 400
  });

  it('an overdue activation: the successor rotates on from its recorded activation', () => {
    // b was due to activate at 600; at 1 000 the scheduler records 600, so b's own successor is
    // published at 3 600 and b retires at 4 200.
    const facts = keySet([
      key('a', 'ACTIVE', { createdAt: t(-4_200), activatedAt: t(-3_600) }),
      key('b', 'PENDING', { createdAt: t(0) }),
    ]);
    const sim = recordedAfterCatchUp(facts, t(1_000), t(5_000));
    expect(sim.key('b')).toMatchObject({ activatedAt: t(600), retiredAt: t(4_200) });
    expect(projected(facts, t(1_000), 'b', 'RETIRED')).toEqual(t(4_200)); // projected: 4 600
  });

  it('an overdue successor publication: the signer retires pre_publish_period after it is published', () => {
    // a's successor was due to be published at 3 000; published at 3 300, it signs from 3 900.
    const facts = keySet([key('a', 'ACTIVE', { createdAt: t(0), activatedAt: t(0) })]);
    const sim = recordedAfterCatchUp(facts, t(3_300), t(5_000));
    expect(sim.key('a').retiredAt).toEqual(t(3_900));
    expect(projected(facts, t(3_300), 'a', 'RETIRED')).toEqual(t(3_900)); // projected: 3 600
  });
});

describe('projectTimeline for keys of another use', () => {
  it('projects for an ACTIVE enc key what the scheduler does with it: nothing', () => {
    const facts = keySet([
      key('e', 'ACTIVE', { use: 'enc', createdAt: t(0), activatedAt: t(0) }),
      key('a', 'ACTIVE', { createdAt: t(0), activatedAt: t(0) }),
      key('p', 'PENDING', { createdAt: t(3_000) }),
    ]);
    const sim = new KeySetSimulator(facts.policy);
    for (const k of facts.keys) sim.addKey(k);
    sim.runContinuously(t(3_100), t(100_000));
    expect(sim.key('e')).toMatchObject({ state: 'ACTIVE', retiredAt: null });
    expect(projectTimeline(facts, t(3_100))[0]?.intervals).toEqual([
      { state: 'ACTIVE', start: t(0), end: null, scheduled: false }, // projected: RETIRED at 3 600
    ]);
  });
});

describe('policy changes and tokens already issued', () => {
  // Once a bug: expiry used only the grace period in force when the scheduler ran, so shrinking
  // max_token_ttl and grace_period unpublished a key whose earlier tokens were still valid.
  it('keeps a retired key published until the tokens it signed under an earlier policy expire', () => {
    const sim = new KeySetSimulator(policy({ maxTokenTtlSeconds: 7_200, gracePeriodSeconds: 7_500 }));
    sim.apply(planRotation(sim.facts(), 'IMMEDIATE', t(0)), 'rotation:IMMEDIATE', t(0));
    const signer = sim.sign(t(0)); // a token valid until 7 200
    sim.apply(planRotation(sim.facts(), 'IMMEDIATE', t(0)), 'rotation:IMMEDIATE', t(0));
    const shorter = policy({ maxTokenTtlSeconds: 60, gracePeriodSeconds: 360 });
    expect(policyProblems(shorter, CONTEXT)).toEqual([]);
    sim.setPolicy(shorter);
    sim.runScheduler(t(400));
    expect(isPublished(sim.key(signer).state)).toBe(true);
    // Expires when the token has, plus the margin the new grace period leaves (360 - 60).
    sim.runScheduler(t(7_499));
    expect(sim.key(signer).state).toBe('RETIRED');
    sim.runScheduler(t(50_000));
    expect(sim.key(signer)).toMatchObject({ state: 'EXPIRED', expiredAt: t(7_500) });
  });

  it('expiryDue: grace after retirement, or the last token expiry plus the grace margin, whichever is later', () => {
    const retired = (latestTokenExpiry: Date | null) => key('r', 'RETIRED', { retiredAt: t(0), latestTokenExpiry });
    const facts = keySet([], { gracePeriodSeconds: 7_200, maxTokenTtlSeconds: 3_600 }); // margin 3 600
    expect(expiryDue(facts, retired(null), t(0))).toEqual(t(7_200));
    expect(expiryDue(facts, retired(t(3_600)), t(0))).toEqual(t(7_200));
    expect(expiryDue(facts, retired(t(3_601)), t(0))).toEqual(t(7_201));
    expect(expiryDue(facts, retired(t(10_000)), t(0))).toEqual(t(13_600));
    expect(expiryDue(facts, retired(t(10_000)), t(20_000))).toEqual(t(27_200));
    // The scheduler and the timeline use it.
    const late = keySet([retired(t(10_000))], { autoRotate: false });
    expect(nextDuePlan(late, t(13_599))).toBeUndefined();
    expect(nextDuePlan(late, t(13_600))?.changes).toEqual([transition('r', 'RETIRED', 'EXPIRED', t(13_600))]);
    expect(projectTimeline(late, t(0))[0]?.intervals.find((i) => i.state === 'EXPIRED')?.start).toEqual(t(13_600));
  });
});
