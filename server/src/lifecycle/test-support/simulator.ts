// An in-memory stand-in for the key store, for tests of the lifecycle rules: it applies Plans the
// way the store will (in order, all or nothing) and refuses what the store would refuse. It models
// the JWKS and the private material separately from the state, from what the store does on each
// change, so that tests can check that the states and what is published agree.

import { addSeconds, UNTOUCHED_KEY, type KeyFacts, type KeySetFacts, type ReadinessShare } from '../facts.js';
import type { Change, Plan, PlanEvent } from '../plan.js';
import type { KeySetPolicy } from '../policy.js';
import { nextDuePlan, type DuePlan } from '../schedule.js';
import type { KeyState, KeyUse } from '../states.js';
import { isAllowedTransition } from '../transitions.js';

/** Who applied a plan: the scheduler, or one of the requests that change keys at once. */
export type PlanOrigin = 'seed' | 'scheduler' | 'rotation:SCHEDULED' | 'rotation:IMMEDIATE' | 'revocation';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface SimKey extends KeyFacts {
  /** False once DESTROYED: the store erases the private material. */
  readonly holdsMaterial: boolean;
  /** Which plan made it ACTIVE (null while it never was). */
  readonly activatedBy: PlanOrigin | null;
  /** The policy in force when it was made ACTIVE. */
  readonly policyAtActivation: KeySetPolicy | null;
}

/** One change as the simulator applied it, with what was in force at the time. */
export interface AppliedChange {
  readonly change: Change;
  /** The key it made or moved. */
  readonly kid: string;
  /** Undefined for a create. */
  readonly from: KeyState | undefined;
  readonly to: KeyState;
  readonly event: PlanEvent;
  readonly origin: PlanOrigin;
  /** The `now` of the call that applied it. */
  readonly appliedAt: Date;
  readonly policy: KeySetPolicy;
  /** The key as it was just before (undefined for a create). */
  readonly before: SimKey | undefined;
}

export interface Signature {
  readonly kid: string;
  readonly at: Date;
  /** The `exp` of the token it signed. */
  readonly expiresAt: Date;
}

/** The store refused a change; the whole plan was rolled back. */
export class SimulatorRefusal extends Error {
  override readonly name = 'SimulatorRefusal';
}

const TIMESTAMP_OF: Readonly<
  Partial<Record<KeyState, 'activatedAt' | 'retiredAt' | 'expiredAt' | 'revokedAt' | 'destroyedAt'>>
> = {
  ACTIVE: 'activatedAt',
  RETIRED: 'retiredAt',
  EXPIRED: 'expiredAt',
  REVOKED: 'revokedAt',
  DESTROYED: 'destroyedAt',
};

export interface SchedulerRun {
  /** The plans applied, in order. */
  readonly plans: readonly DuePlan[];
}

export class KeySetSimulator {
  private keyList: Mutable<SimKey>[] = [];
  private published = new Set<string>();
  private nextKid = 1;
  private appliedLog: AppliedChange[] = [];
  private signatureLog: Signature[] = [];

  constructor(
    private currentPolicy: KeySetPolicy,
    /** Bound on plans per scheduler run: a rule that never settles is a bug, not a hang. */
    private readonly maxPlansPerRun = 10_000,
  ) {}

  get policy(): KeySetPolicy {
    return this.currentPolicy;
  }

  setPolicy(policy: KeySetPolicy): void {
    this.currentPolicy = policy;
  }

  get keys(): readonly SimKey[] {
    return this.keyList;
  }

  key(kid: string): SimKey {
    const key = this.keyList.find((candidate) => candidate.kid === kid);
    if (key === undefined) throw new Error(`simulator: no key ${kid}`);
    return key;
  }

  /** What the rules are handed: copies, so a rule cannot reach into the simulator. */
  facts(): KeySetFacts {
    return { policy: this.currentPolicy, keys: this.keyList.map((key) => toFacts(key)) };
  }

  /** The kids a JWKS served now would list, as the store maintains it (not derived from states). */
  get jwks(): ReadonlySet<string> {
    return this.published;
  }

  get log(): readonly AppliedChange[] {
    return this.appliedLog;
  }

  get signatures(): readonly Signature[] {
    return this.signatureLog;
  }

  /** Adds a key of another use directly, as a store holding one would (plans only create `sig` keys). */
  addKey(
    fields: Partial<KeyFacts> & { readonly use: KeyUse; readonly state: KeyState; readonly createdAt: Date },
  ): SimKey {
    const key: Mutable<SimKey> = {
      kid: fields.kid ?? this.freshKid(),
      ...UNTOUCHED_KEY,
      ...fields,
      holdsMaterial: fields.state !== 'DESTROYED',
      activatedBy: fields.state === 'ACTIVE' ? 'seed' : null,
      policyAtActivation: fields.state === 'ACTIVE' ? this.currentPolicy : null,
    };
    this.keyList.push(key);
    if (fields.state === 'PENDING' || fields.state === 'ACTIVE' || fields.state === 'RETIRED')
      this.published.add(key.kid);
    return key;
  }

  /**
   * Applies a plan's changes in order, in one transaction: a refused change rolls back the whole
   * plan and throws SimulatorRefusal. Returns the kids the changes made or moved, in order.
   */
  apply(plan: Plan, origin: PlanOrigin, now: Date): string[] {
    const saved = this.snapshot();
    try {
      return plan.changes.map((change) => this.applyChange(change, plan.event, origin, now));
    } catch (error) {
      this.restore(saved);
      throw error;
    }
  }

  /** Applies nextDuePlan until nothing is due at `now`; the plans applied, in order. */
  runScheduler(now: Date, readiness?: ReadinessShare): SchedulerRun {
    const plans: DuePlan[] = [];
    for (;;) {
      const plan = nextDuePlan(this.facts(), now, readiness);
      if (plan === undefined) return { plans };
      if (plans.length >= this.maxPlansPerRun) {
        throw new Error(
          `simulator: the scheduler did not settle after ${plans.length} plans (next: ${plan.event} due ${plan.dueAt.toISOString()})`,
        );
      }
      this.apply(plan, 'scheduler', now);
      plans.push(plan);
    }
  }

  /**
   * Continuous operation from `from` (already settled) to `to`: the scheduler runs at every due
   * time in between, as a scheduler that never falls behind would. Returns the times it ran.
   */
  runContinuously(from: Date, to: Date, readiness?: ReadinessShare): Date[] {
    const times: Date[] = [];
    let now = from;
    for (;;) {
      const next = nextDuePlan(this.facts(), to, readiness);
      if (next === undefined) return times;
      if (times.length >= this.maxPlansPerRun) throw new Error(`simulator: more than ${times.length} scheduler runs`);
      if (next.dueAt <= now)
        throw new Error(
          `simulator: ${next.event} due ${next.dueAt.toISOString()} was left behind at ${now.toISOString()}`,
        );
      now = next.dueAt;
      this.runScheduler(now, readiness);
      times.push(now);
    }
  }

  /**
   * A signature by the one ACTIVE sig key at `now`, for a token valid `ttlSeconds` (by default the
   * longest the policy allows); records lastSignedAt and latestTokenExpiry as the store does, and
   * returns the signer's kid.
   */
  sign(now: Date, ttlSeconds = this.currentPolicy.maxTokenTtlSeconds): string {
    const active = this.keyList.filter((key) => key.use === 'sig' && key.state === 'ACTIVE');
    const signer = active[0];
    if (signer === undefined || active.length > 1) {
      throw new Error(`simulator: cannot sign with ${active.length} ACTIVE sig keys`);
    }
    const expiry = addSeconds(now, ttlSeconds);
    signer.lastSignedAt = now;
    if (signer.latestTokenExpiry === null || expiry > signer.latestTokenExpiry) signer.latestTokenExpiry = expiry;
    this.signatureLog.push({ kid: signer.kid, at: now, expiresAt: expiry });
    return signer.kid;
  }

  clone(): KeySetSimulator {
    const copy = new KeySetSimulator(this.currentPolicy, this.maxPlansPerRun);
    copy.restore(this.snapshot());
    copy.appliedLog = [...this.appliedLog];
    copy.signatureLog = [...this.signatureLog];
    return copy;
  }

  private applyChange(change: Change, event: PlanEvent, origin: PlanOrigin, now: Date): string {
    if (change.kind === 'create') {
      const kid = this.freshKid();
      const key: Mutable<SimKey> = {
        kid,
        use: 'sig',
        state: change.state,
        createdAt: change.at,
        ...UNTOUCHED_KEY,
        activatedAt: change.state === 'ACTIVE' ? change.at : null,
        holdsMaterial: true,
        activatedBy: change.state === 'ACTIVE' ? origin : null,
        policyAtActivation: change.state === 'ACTIVE' ? this.currentPolicy : null,
      };
      this.keyList.push(key);
      this.published.add(kid); // published from creation, whatever its state
      this.checkOneSignerPerUse(key.use);
      this.appliedLog.push({
        change,
        kid,
        from: undefined,
        to: change.state,
        event,
        origin,
        appliedAt: now,
        policy: this.currentPolicy,
        before: undefined,
      });
      return kid;
    }

    const key = this.keyList.find((candidate) => candidate.kid === change.kid);
    if (key === undefined) throw new SimulatorRefusal(`no key ${change.kid}`);
    if (key.state !== change.from) {
      throw new SimulatorRefusal(`key ${change.kid} is ${key.state}, not ${change.from} as the plan expects`);
    }
    if (!isAllowedTransition(change.from, change.to)) {
      throw new SimulatorRefusal(`key ${change.kid} cannot go from ${change.from} to ${change.to}`);
    }
    const before: SimKey = { ...key };
    key.state = change.to;
    const field = TIMESTAMP_OF[change.to];
    if (field !== undefined) key[field] = change.at;
    if (change.to === 'ACTIVE') {
      key.activatedBy = origin;
      key.policyAtActivation = this.currentPolicy;
    }
    // What the store does besides the state: unpublish at expiry or revocation, erase at destruction.
    if (change.to === 'EXPIRED' || change.to === 'REVOKED') this.published.delete(key.kid);
    if (change.to === 'DESTROYED') key.holdsMaterial = false;
    this.checkOneSignerPerUse(key.use);
    this.appliedLog.push({
      change,
      kid: key.kid,
      from: change.from,
      to: change.to,
      event,
      origin,
      appliedAt: now,
      policy: this.currentPolicy,
      before,
    });
    return key.kid;
  }

  /** The store's partial unique index: at most one ACTIVE key per use, after every statement. */
  private checkOneSignerPerUse(use: KeyUse): void {
    const active = this.keyList.filter((key) => key.use === use && key.state === 'ACTIVE');
    if (active.length > 1) {
      throw new SimulatorRefusal(`two ACTIVE ${use} keys: ${active.map((key) => key.kid).join(', ')}`);
    }
  }

  private freshKid(): string {
    const kid = `k${this.nextKid}`;
    this.nextKid += 1;
    return kid;
  }

  private snapshot(): Snapshot {
    return {
      keys: this.keyList.map((key) => ({ ...key })),
      published: new Set(this.published),
      nextKid: this.nextKid,
      logLength: this.appliedLog.length,
    };
  }

  private restore(saved: Snapshot): void {
    this.keyList = saved.keys.map((key) => ({ ...key }));
    this.published = new Set(saved.published);
    this.nextKid = saved.nextKid;
    this.appliedLog.length = Math.min(this.appliedLog.length, saved.logLength);
  }
}

interface Snapshot {
  readonly keys: readonly Mutable<SimKey>[];
  readonly published: ReadonlySet<string>;
  readonly nextKid: number;
  readonly logLength: number;
}

function toFacts(key: SimKey): KeyFacts {
  return {
    kid: key.kid,
    use: key.use,
    state: key.state,
    createdAt: key.createdAt,
    activatedAt: key.activatedAt,
    retiredAt: key.retiredAt,
    expiredAt: key.expiredAt,
    revokedAt: key.revokedAt,
    destroyedAt: key.destroyedAt,
    lastSignedAt: key.lastSignedAt,
    latestTokenExpiry: key.latestTokenExpiry,
  };
}
