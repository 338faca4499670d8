// Random histories of a key set, run through the lifecycle rules on the in-memory store model, with
// the guarantees the rules exist for checked after every step.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { addSeconds, SECOND, type KeyFacts, type ReadinessShare } from './facts.js';
import { cacheHorizonSeconds, defaultPolicy, policyProblems, type KeySetPolicy, type PolicyContext } from './policy.js';
import { planRevocation, planRotation, type RotationMode } from './rotation.js';
import { nextDuePlan } from './schedule.js';
import { holdsPrivateMaterial, isPublished, type KeyState } from './states.js';
import { T0 } from './test-support/fixtures.js';
import { projectTimeline } from './timeline.js';
import { KeySetSimulator, type SimKey } from './test-support/simulator.js';
import { isAllowedTransition } from './transitions.js';

const CONTEXT: PolicyContext = { jwksMaxAgeSeconds: 300, staleWhileRevalidateSeconds: 60 };
const HORIZON = cacheHorizonSeconds(CONTEXT);
const MINUTE = 60;
const HOUR = 3_600;
const DAY = 86_400;

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Random policies, kept only when policyProblems accepts them. Short and long scales both. */
const policyArb: fc.Arbitrary<KeySetPolicy> = fc
  .record({
    prePublish: fc.oneof(fc.integer({ min: 300, max: 20 * MINUTE }), fc.integer({ min: 0, max: 6 * HOUR })),
    rotationExtra: fc.oneof(fc.integer({ min: -60, max: 2 * HOUR }), fc.integer({ min: 1, max: 10 * DAY })),
    ttl: fc.oneof(fc.integer({ min: 1, max: 5 * MINUTE }), fc.integer({ min: 1, max: 6 * HOUR })),
    graceExtra: fc.oneof(fc.integer({ min: 250, max: HOUR }), fc.integer({ min: 300, max: 3 * DAY })),
    retention: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2 * HOUR }), fc.integer({ min: 0, max: 40 * DAY })),
    autoRotate: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    readiness: fc.option(
      fc.record({
        minShare: fc.double({ min: 0, max: 1, noNaN: true }),
        maxDelaySeconds: fc.integer({ min: 0, max: 6 * HOUR }),
      }),
      { nil: null, freq: 3 },
    ),
  })
  .map((p): KeySetPolicy => ({
    algorithm: 'ES256',
    rsaModulusBits: null,
    prePublishPeriodSeconds: p.prePublish,
    rotationPeriodSeconds: p.prePublish + p.rotationExtra,
    maxTokenTtlSeconds: p.ttl,
    gracePeriodSeconds: p.ttl + p.graceExtra,
    retentionPeriodSeconds: p.retention,
    excessTtl: 'refuse',
    autoRotate: p.autoRotate,
    activationReadiness: p.readiness,
  }))
  .filter((policy) => policyProblems(policy, CONTEXT).length === 0);

/** From seconds to far beyond every period (years), so catch-up after downtime is exercised. */
const secondsArb = fc.oneof(
  fc.integer({ min: 1, max: 2 * MINUTE }),
  fc.integer({ min: 1, max: HOUR }),
  fc.integer({ min: 1, max: DAY }),
  fc.integer({ min: 1, max: 30 * DAY }),
  fc.integer({ min: 1, max: 3 * 365 * DAY }),
);

type Action =
  | { readonly kind: 'rotate'; readonly mode: RotationMode }
  | { readonly kind: 'revoke'; readonly pick: number }
  | { readonly kind: 'policy'; readonly policy: KeySetPolicy }
  | { readonly kind: 'sign' }
  /** The clock moves, then the scheduler runs with this readiness share for every pending key. */
  | { readonly kind: 'tick'; readonly seconds: number; readonly share: number | undefined }
  /** The clock moves while the scheduler is down (requests, signing included, still happen). */
  | { readonly kind: 'outage'; readonly seconds: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('tick'),
      seconds: secondsArb,
      share: fc.option(fc.oneof(fc.constant(1), fc.double({ min: 0, max: 1, noNaN: true })), { nil: undefined }),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: 'sign' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rotate'),
      mode: fc.constantFrom<RotationMode>('SCHEDULED', 'IMMEDIATE'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke'), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('policy'), policy: policyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('outage'), seconds: secondsArb }) },
);

const initialPolicyArb = fc.oneof(
  { weight: 1, arbitrary: fc.constant(defaultPolicy('ES256', undefined, CONTEXT)) },
  { weight: 4, arbitrary: policyArb },
);

// ---------------------------------------------------------------------------------------------
// The run: a simulator, a clock, and what must stay true

const seconds = (from: Date, to: Date): number => (+to - +from) / SECOND;
const sig = (keys: readonly SimKey[], state: KeyState) =>
  keys.filter((key) => key.use === 'sig' && key.state === state);

class History {
  readonly sim: KeySetSimulator;
  now = T0;
  private checkedLog = 0;

  constructor(policy: KeySetPolicy) {
    this.sim = new KeySetSimulator(policy);
    // A key of another use, which the sig lifecycle must leave alone (it can be revoked, though).
    this.sim.addKey({ kid: 'enc-1', use: 'enc', state: 'ACTIVE', createdAt: this.now, activatedAt: this.now });
    this.sim.apply(planRotation(this.sim.facts(), 'IMMEDIATE', this.now), 'rotation:IMMEDIATE', this.now);
    this.check();
  }

  step(action: Action): void {
    switch (action.kind) {
      case 'rotate':
        this.rotate(action.mode);
        break;
      case 'revoke':
        this.revoke(action.pick);
        break;
      case 'policy':
        this.sim.setPolicy(action.policy);
        break;
      case 'sign':
        this.sim.sign(this.now); // a token of the longest lifetime the policy allows
        break;
      case 'tick':
        this.now = addSeconds(this.now, action.seconds);
        this.runScheduler(action.share);
        break;
      case 'outage':
        this.now = addSeconds(this.now, action.seconds);
        break;
    }
    this.check();
  }

  private rotate(mode: RotationMode): void {
    const [active] = sig(this.sim.keys, 'ACTIVE');
    const [pending] = sig(this.sim.keys, 'PENDING');
    const plan = planRotation(this.sim.facts(), mode, this.now);
    const touched = this.sim.apply(plan, `rotation:${mode}`, this.now);
    if (mode === 'SCHEDULED') {
      expect(plan.existingPendingKid).toBe(pending?.kid);
      expect(touched).toHaveLength(pending === undefined ? 1 : 0);
      expect(sig(this.sim.keys, 'PENDING').map((key) => key.kid)).toEqual([pending?.kid ?? touched[0]]);
    } else {
      expect(this.sim.key(active!.kid)).toMatchObject({ state: 'RETIRED' });
      const successor = this.sim.key(touched.at(-1)!);
      expect(successor).toMatchObject({ state: 'ACTIVE', activatedAt: this.now });
      if (pending !== undefined) expect(successor.kid).toBe(pending.kid);
    }
  }

  private revoke(pick: number): void {
    const keys = this.sim.keys;
    const index = pick % (keys.length + 1);
    const target = keys[index];
    const before = this.sim.facts();
    if (target === undefined) {
      expect(errorCode(() => planRevocation(before, 'no-such-kid', this.now))).toBe('NOT_FOUND');
      return;
    }
    if (target.state === 'EXPIRED' || target.state === 'DESTROYED' || target.state === 'REVOKED') {
      expect(errorCode(() => planRevocation(before, target.kid, this.now))).toBe('FAILED_PRECONDITION');
      return;
    }
    const [pending] = sig(keys, 'PENDING');
    const wasSigner = target.state === 'ACTIVE' && target.use === 'sig';
    const touched = this.sim.apply(planRevocation(before, target.kid, this.now), 'revocation', this.now);
    expect(this.sim.key(target.kid)).toMatchObject({ state: 'REVOKED', revokedAt: this.now });
    expect(this.sim.jwks.has(target.kid)).toBe(false);
    if (wasSigner) {
      const successor = this.sim.key(touched.at(-1)!);
      expect(successor).toMatchObject({ state: 'ACTIVE', activatedAt: this.now, activatedBy: 'revocation' });
      if (pending !== undefined) expect(successor.kid).toBe(pending.kid);
    } else {
      expect(touched).toEqual([target.kid]);
    }
  }

  private runScheduler(share: number | undefined): void {
    const readiness: ReadinessShare = () => share;
    const logStart = this.sim.log.length;
    const run = this.sim.runScheduler(this.now, readiness);

    // Catch-up order: due steps come in the order they were due, none from the future.
    const dueTimes = run.plans.map((plan) => +plan.dueAt);
    expect(dueTimes).toEqual([...dueTimes].sort((a, b) => a - b));
    for (const due of dueTimes) expect(due).toBeLessThanOrEqual(+this.now);

    // Idempotence: a second run at the same now applies nothing.
    expect(nextDuePlan(this.sim.facts(), this.now, readiness)).toBeUndefined();
    expect(this.sim.runScheduler(this.now, readiness).plans).toEqual([]);

    this.checkSchedulerSteps(logStart, share);
    this.checkNothingOverdue(share);
  }

  /** Each step the scheduler took matches the rule for it, under the policy then in force. */
  private checkSchedulerSteps(logStart: number, share: number | undefined): void {
    const entries = this.sim.log.slice(logStart);
    entries.forEach((entry, index) => {
      const { policy, before, change } = entry;
      expect(entry.origin).toBe('scheduler');
      if (change.kind === 'create') {
        // Auto-rotation: a successor published now, only when one is due and none is pending.
        expect(change).toEqual({ kind: 'create', state: 'PENDING', at: entry.appliedAt });
        expect(policy.autoRotate).toBe(true);
        return;
      }
      if (before === undefined) throw new Error('a transition without the key before it');
      const at = +change.at;
      switch (`${change.from}->${change.to}`) {
        case 'PENDING->ACTIVE': {
          const eligibleAt = +addSeconds(before.createdAt, policy.prePublishPeriodSeconds);
          const hold = policy.activationReadiness;
          if (hold === null) {
            expect(at).toBe(eligibleAt);
          } else {
            const deadline = eligibleAt + hold.maxDelaySeconds * SECOND;
            expect(at).toBeGreaterThanOrEqual(eligibleAt);
            expect(at).toBeLessThanOrEqual(deadline);
            // Before the deadline only a reached share releases it, and then it is dated now.
            if (at !== deadline) {
              expect(at).toBe(+entry.appliedAt);
              expect(share ?? 0).toBeGreaterThanOrEqual(hold.minShare);
            }
          }
          break;
        }
        case 'ACTIVE->RETIRED': {
          // Retires as its successor (the next change of the same plan) activates, or at its last
          // signature when that came later, never after now.
          const successor = entries[index + 1]?.change;
          if (successor === undefined) throw new Error('a retirement without a successor');
          const expected = Math.min(Math.max(+successor.at, +(before.lastSignedAt ?? 0)), +entry.appliedAt);
          expect(at).toBe(expected);
          break;
        }
        case 'RETIRED->EXPIRED':
          expect(at).toBe(expiryTime(before, policy));
          break;
        case 'EXPIRED->DESTROYED':
          expect(at).toBe(+addSeconds(before.expiredAt!, policy.retentionPeriodSeconds));
          break;
        case 'REVOKED->DESTROYED':
          expect(at).toBe(+addSeconds(before.revokedAt!, policy.retentionPeriodSeconds));
          break;
        default:
          throw new Error(`the scheduler made an unexpected move ${change.from}->${change.to}`);
      }
    });
  }

  /** After a run nothing the policy schedules is overdue (computed here, not by nextDuePlan). */
  private checkNothingOverdue(share: number | undefined): void {
    const { policy } = this.sim;
    const now = +this.now;
    const overdue = (since: Date | null, periodSeconds: number) =>
      since !== null && +addSeconds(since, periodSeconds) <= now;
    for (const key of this.sim.keys) {
      if (key.state === 'RETIRED') expect(expiryTime(key, policy)).toBeGreaterThan(now);
      if (key.state === 'EXPIRED') expect(overdue(key.expiredAt, policy.retentionPeriodSeconds)).toBe(false);
      if (key.state === 'REVOKED') expect(overdue(key.revokedAt, policy.retentionPeriodSeconds)).toBe(false);
    }
    const [pending] = sig(this.sim.keys, 'PENDING');
    const [active] = sig(this.sim.keys, 'ACTIVE');
    if (pending !== undefined) {
      const hold = policy.activationReadiness;
      expect(overdue(pending.createdAt, policy.prePublishPeriodSeconds + (hold?.maxDelaySeconds ?? 0))).toBe(false);
      if (hold !== null && share !== undefined && share >= hold.minShare) {
        expect(overdue(pending.createdAt, policy.prePublishPeriodSeconds)).toBe(false);
      }
    } else if (policy.autoRotate && active !== undefined) {
      expect(overdue(active.activatedAt, policy.rotationPeriodSeconds - policy.prePublishPeriodSeconds)).toBe(false);
    }
  }

  /** What must hold after every step. (Plain checks, not expect: this runs thousands of times.) */
  check(): void {
    const { sim } = this;
    const keys = sim.keys;
    const now = +this.now;

    // Exactly one signer, never zero, never two; at most one successor.
    const signers = sig(keys, 'ACTIVE').map((key) => key.kid);
    must(signers.length === 1, `${signers.length} ACTIVE sig keys: [${signers.join(', ')}]`);
    must(sig(keys, 'PENDING').length <= 1, 'more than one PENDING sig key');

    // The states and the JWKS agree; unpublished states are not in it; only DESTROYED lacks material.
    const jwks = [...sim.jwks].sort().join(',');
    const publishedStates = keys
      .filter((key) => isPublished(key.state))
      .map((key) => key.kid)
      .sort()
      .join(',');
    must(jwks === publishedStates, `JWKS [${jwks}] but published states [${publishedStates}]`);
    for (const key of keys) {
      const gone = key.state === 'REVOKED' || key.state === 'EXPIRED' || key.state === 'DESTROYED';
      must(!(gone && sim.jwks.has(key.kid)), `${key.kid} is ${key.state} and still in the JWKS`);
      must(
        key.holdsMaterial === holdsPrivateMaterial(key.state),
        `${key.kid} is ${key.state}, holdsMaterial ${key.holdsMaterial}`,
      );
      must(
        key.holdsMaterial === (key.state !== 'DESTROYED'),
        `${key.kid} is ${key.state}, holdsMaterial ${key.holdsMaterial}`,
      );
      checkTimestamps(key, now);
    }

    // Every move the store made was allowed, and none was dated after the request that made it.
    for (const entry of sim.log.slice(this.checkedLog)) {
      must(
        entry.from === undefined || isAllowedTransition(entry.from, entry.to),
        `applied ${entry.from}->${entry.to} on ${entry.kid}`,
      );
      must(
        +entry.change.at <= +entry.appliedAt,
        `${entry.kid} ->${entry.to} dated ${iso(entry.change.at)}, after ${iso(entry.appliedAt)}`,
      );
    }
    this.checkedLog = sim.log.length;

    for (const signature of sim.signatures) {
      const signer = sim.key(signature.kid);
      const what = `${signer.kid} (${signer.state}) signed at ${iso(signature.at)}`;
      must(
        signer.activatedAt !== null && +signature.at >= +signer.activatedAt,
        `${what} but activated at ${iso(signer.activatedAt)}`,
      );
      // Pre-publication: a key the scheduler activated had been published for the pre-publish
      // period (of the policy in force then, never less than the cache horizon) before it signed.
      // Keys activated by IMMEDIATE rotation or by revocation sign at once, by design.
      must(signer.activatedBy !== 'rotation:SCHEDULED', `${what}: activated by a SCHEDULED rotation request`);
      if (signer.activatedBy === 'scheduler') {
        const prePublish = signer.policyAtActivation!.prePublishPeriodSeconds;
        must(prePublish >= HORIZON, `${what}: pre-publish ${prePublish}s is below the cache horizon`);
        const published = Math.min(
          seconds(signer.createdAt, signer.activatedAt),
          seconds(signer.createdAt, signature.at),
        );
        must(
          published >= prePublish,
          `${what}: published at ${iso(signer.createdAt)}, activated at ${iso(signer.activatedAt)}, pre-publish ${prePublish}s`,
        );
      }
      // Grace: a token it signed verifies until it expires, unless the key was revoked, whatever
      // policy changes came since.
      if (signer.revokedAt === null) {
        const tokenExpiry = +signature.expiresAt;
        must(
          now >= tokenExpiry || isPublished(signer.state),
          `${what}: its token is valid until ${iso(new Date(tokenExpiry))}, now ${iso(this.now)}`,
        );
        must(
          signer.expiredAt === null || +signer.expiredAt >= tokenExpiry,
          `${what}: expired at ${iso(signer.expiredAt)}, before its token (${iso(new Date(tokenExpiry))})`,
        );
      }
      // Retirement is never dated before a signature.
      must(
        signer.retiredAt === null || +signer.retiredAt >= +signature.at,
        `${what} but retired at ${iso(signer.retiredAt)}`,
      );
    }
  }
}

/**
 * When a RETIRED key is to leave the JWKS: after the grace period, and never before its tokens
 * expired plus the margin the grace period leaves over max_token_ttl (which matters once a policy
 * shrank max_token_ttl below the lifetime of tokens already issued).
 */
function expiryTime(key: KeyFacts, policy: KeySetPolicy): number {
  const byGrace = +addSeconds(key.retiredAt!, policy.gracePeriodSeconds);
  if (key.latestTokenExpiry === null) return byGrace;
  return Math.max(byGrace, +addSeconds(key.latestTokenExpiry, policy.gracePeriodSeconds - policy.maxTokenTtlSeconds));
}

function must(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function iso(date: Date | null): string {
  return date === null ? 'null' : date.toISOString();
}

function checkTimestamps(key: SimKey, now: number): void {
  const stamp: Record<Exclude<KeyState, 'PENDING'>, Date | null> = {
    ACTIVE: key.activatedAt,
    RETIRED: key.retiredAt,
    EXPIRED: key.expiredAt,
    REVOKED: key.revokedAt,
    DESTROYED: key.destroyedAt,
  };
  must(key.state === 'PENDING' || stamp[key.state] !== null, `${key.kid} is ${key.state} without its timestamp`);
  // createdAt <= activatedAt <= retiredAt <= expiredAt <= destroyedAt, revokedAt after what preceded it, none in the future.
  const ordered = [key.createdAt, key.activatedAt, key.retiredAt, key.expiredAt, key.revokedAt, key.destroyedAt];
  let previous = +key.createdAt;
  for (const date of ordered) {
    if (date === null) continue;
    must(
      +date >= previous && +date <= now,
      `${key.kid}: timestamps out of order or in the future: ${ordered.map(iso).join(' ')}`,
    );
    previous = +date;
  }
}

function errorCode(f: () => unknown): string {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(KeywardError);
    return (error as KeywardError).code;
  }
  throw new Error('expected a KeywardError');
}

function factsOf(key: SimKey): KeyFacts {
  const {
    kid,
    use,
    state,
    createdAt,
    activatedAt,
    retiredAt,
    expiredAt,
    revokedAt,
    destroyedAt,
    lastSignedAt,
    latestTokenExpiry,
  } = key;
  return {
    kid,
    use,
    state,
    createdAt,
    activatedAt,
    retiredAt,
    expiredAt,
    revokedAt,
    destroyedAt,
    lastSignedAt,
    latestTokenExpiry,
  };
}

// ---------------------------------------------------------------------------------------------

describe('lifecycle over random histories', () => {
  it('keeps one signer, pre-publishes, honours grace, and keeps states, JWKS and material in agreement', () => {
    fc.assert(
      fc.property(initialPolicyArb, fc.array(actionArb, { maxLength: 30, size: 'max' }), (policy, actions) => {
        const history = new History(policy);
        for (const action of actions) history.step(action);
      }),
      { numRuns: 500 },
    );
  });

  it('catching up by jumping to T unpublishes and erases old keys exactly as ticking through every due time', () => {
    // Only keys already on their way out at the jump are compared: RETIRED, EXPIRED, REVOKED and
    // DESTROYED keys, and the signer when a successor is already pending. For the others the two
    // runs differ by design: ticking publishes each auto-rotation successor at its due time, while
    // a jump publishes it when the scheduler runs (a key only counts as published from when it
    // really was), so the rotations, and the states of the keys they retire, happen later.
    const scaleArb = fc.constantFrom('minutes', 'rotation', 'grace', 'retention', 'everything');
    // Often end the history with a fresh rotation, so that keys are on their way out at the jump.
    const suffixArb = fc.constantFrom<Action[][]>(
      [],
      [{ kind: 'sign' }, { kind: 'rotate', mode: 'IMMEDIATE' }],
      [
        { kind: 'sign' },
        { kind: 'rotate', mode: 'IMMEDIATE' },
        { kind: 'sign' },
        { kind: 'rotate', mode: 'SCHEDULED' },
      ],
      [
        { kind: 'rotate', mode: 'SCHEDULED' },
        { kind: 'revoke', pick: 0 },
        { kind: 'sign' },
        { kind: 'rotate', mode: 'IMMEDIATE' },
      ],
    );
    fc.assert(
      fc.property(
        initialPolicyArb,
        fc.array(actionArb, { maxLength: 15, size: 'max' }),
        suffixArb,
        scaleArb,
        fc.integer({ min: 0, max: 1_000_000 }).map((n) => n / 1_000_000),
        (policy, actions, suffix, scale, fraction) => {
          const history = new History(policy);
          for (const action of [...actions, ...suffix]) history.step(action);
          const start = history.sim.clone();
          const from = history.now;
          start.runScheduler(from); // settled, as a running scheduler would be
          const p = start.policy;
          const cap = 200 * p.rotationPeriodSeconds; // bounds the number of ticks (rotations while ticking)
          const delay = p.activationReadiness?.maxDelaySeconds ?? 0;
          const spans = {
            minutes: HOUR,
            rotation: 2 * (p.rotationPeriodSeconds + delay),
            grace: 2 * (p.prePublishPeriodSeconds + delay + p.gracePeriodSeconds),
            retention: 2 * (p.prePublishPeriodSeconds + delay + p.gracePeriodSeconds + p.retentionPeriodSeconds),
            everything:
              3 *
              (p.prePublishPeriodSeconds +
                delay +
                p.rotationPeriodSeconds +
                p.gracePeriodSeconds +
                p.retentionPeriodSeconds),
          };
          const span = Math.min(cap, spans[scale]);
          const to = addSeconds(from, Math.ceil(fraction * span));

          const pendingAtStart = sig(start.keys, 'PENDING').length > 0;
          const oldKids = start.keys
            .filter((key) => key.state !== 'PENDING' && (key.state !== 'ACTIVE' || pendingAtStart))
            .map((key) => key.kid);

          const jumped = start.clone();
          jumped.runScheduler(to);

          const ticked = start.clone();
          ticked.runContinuously(from, to);

          for (const kid of oldKids) expect(factsOf(ticked.key(kid))).toEqual(factsOf(jumped.key(kid)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('projects timelines that continuous operation then follows to the second', () => {
    // From a settled state (nothing overdue) and without a readiness hold (whose release depends on
    // clients), every projected step that falls before T happens exactly when projected, and none
    // that falls after T happens before it.
    const stampOf: Record<KeyState, (key: KeyFacts) => Date | null> = {
      PENDING: (key) => key.createdAt,
      ACTIVE: (key) => key.activatedAt,
      RETIRED: (key) => key.retiredAt,
      EXPIRED: (key) => key.expiredAt,
      REVOKED: (key) => key.revokedAt,
      DESTROYED: (key) => key.destroyedAt,
    };
    fc.assert(
      fc.property(
        initialPolicyArb,
        fc.array(actionArb, { maxLength: 15, size: 'max' }),
        fc.integer({ min: 1, max: 40 }),
        (policy, actions, rotations) => {
          const history = new History(policy);
          for (const action of actions) history.step(action);
          const sim = history.sim.clone();
          sim.setPolicy({ ...sim.policy, activationReadiness: null });
          const from = history.now;
          sim.runScheduler(from);
          const timelines = projectTimeline(sim.facts(), from);
          const to = addSeconds(from, Math.min(rotations * sim.policy.rotationPeriodSeconds, 3 * 365 * DAY));
          sim.runContinuously(from, to);
          // Keys of another use are left out: their timeline is a known bug (see lifecycle.test.ts).
          for (const timeline of timelines.filter((t) => sim.key(t.kid).use === 'sig')) {
            const key = sim.key(timeline.kid);
            for (const interval of timeline.intervals) {
              const stamp = stampOf[interval.state](key);
              const where = `${timeline.kid} ${interval.state}`;
              if (!interval.scheduled || interval.start <= to) expect([where, stamp]).toEqual([where, interval.start]);
              else expect([where, stamp === null || stamp > to]).toEqual([where, true]);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('applies nothing on a second scheduler run at the same time, whatever state it starts from', () => {
    fc.assert(
      fc.property(
        initialPolicyArb,
        fc.array(actionArb, { maxLength: 20, size: 'max' }),
        secondsArb,
        (policy, actions, jump) => {
          const history = new History(policy);
          for (const action of actions) history.step(action);
          const sim = history.sim.clone();
          const now = addSeconds(history.now, jump);
          sim.runScheduler(now);
          const after = sim.keys.map(factsOf);
          expect(sim.runScheduler(now).plans).toEqual([]);
          expect(sim.keys.map(factsOf)).toEqual(after);
        },
      ),
      { numRuns: 200 },
    );
  });
});
