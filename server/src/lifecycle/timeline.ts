import { addSeconds, signingKeys, type KeyFacts, type KeySetFacts } from './facts.js';
import { expiryDue } from './schedule.js';
import type { KeyState } from './states.js';

export interface StateInterval {
  readonly state: KeyState;
  readonly start: Date;
  /** Null while open-ended (nothing scheduled). */
  readonly end: Date | null;
  /** True when the interval has not begun yet: it is what the policy schedules. */
  readonly scheduled: boolean;
}

export interface KeyTimeline {
  readonly kid: string;
  readonly intervals: readonly StateInterval[];
}

/** For each key, the states it went through and the ones its policy schedules next. */
export function projectTimeline(facts: KeySetFacts, now: Date): KeyTimeline[] {
  return facts.keys.map((key) => ({ kid: key.kid, intervals: intervalsOf(facts, key, now) }));
}

function intervalsOf(facts: KeySetFacts, key: KeyFacts, now: Date): StateInterval[] {
  // Every moment this key entered a state, recorded or projected, in order.
  const steps: { state: KeyState; at: Date; projected: boolean }[] = [];
  const push = (state: KeyState, at: Date | null) => {
    if (at !== null) steps.push({ state, at, projected: false });
  };
  if (key.activatedAt === null || key.createdAt < key.activatedAt) push('PENDING', key.createdAt);
  push('ACTIVE', key.activatedAt);
  push('RETIRED', key.retiredAt);
  push('EXPIRED', key.expiredAt);
  push('REVOKED', key.revokedAt);
  push('DESTROYED', key.destroyedAt);

  const last = steps.at(-1)!;
  for (let { state, at } = last; ;) {
    const next = scheduledAfter(facts, key, state, at, now);
    if (next === undefined) break;
    steps.push({ ...next, projected: true });
    ({ state, at } = next);
  }
  return steps.map((step, index) => ({
    state: step.state,
    start: step.at,
    end: steps[index + 1]?.at ?? null,
    // A projected step is scheduled even when its time has passed: it is overdue, or held back
    // by a readiness policy, but the key has not entered that state.
    scheduled: step.projected,
  }));
}

/**
 * The step the scheduler will record next, at the time it will record it: overdue steps keep
 * their due time (catch-up back-dates them), except a successor's publication, which happens no
 * earlier than now and pushes the retirement after it.
 */
function scheduledAfter(
  facts: KeySetFacts,
  key: KeyFacts,
  state: KeyState,
  since: Date,
  now: Date,
): { state: KeyState; at: Date } | undefined {
  const { policy } = facts;
  switch (state) {
    case 'PENDING':
      return { state: 'ACTIVE', at: projectedActivation(facts, key, now) };
    case 'ACTIVE': {
      // Only signing keys rotate.
      if (key.use !== 'sig') return undefined;
      const { pending } = signingKeys(facts);
      if (key.state === 'ACTIVE' && pending !== undefined) {
        return { state: 'RETIRED', at: projectedActivation(facts, pending, now) };
      }
      if (!policy.autoRotate) return undefined;
      const publishDue = addSeconds(since, policy.rotationPeriodSeconds - policy.prePublishPeriodSeconds);
      const published = publishDue < now ? now : publishDue;
      return { state: 'RETIRED', at: addSeconds(published, policy.prePublishPeriodSeconds) };
    }
    case 'RETIRED':
      return { state: 'EXPIRED', at: expiryDue(facts, key, since) };
    case 'EXPIRED':
    case 'REVOKED':
      return { state: 'DESTROYED', at: addSeconds(since, policy.retentionPeriodSeconds) };
    case 'DESTROYED':
      return undefined;
  }
}

/**
 * When a pending key will start signing: at its due time, back-dated if overdue, unless a
 * readiness hold keeps it waiting, which can end no earlier than now and no later than the hold's
 * deadline.
 */
function projectedActivation(facts: KeySetFacts, pending: KeyFacts, now: Date): Date {
  const eligibleAt = addSeconds(pending.createdAt, facts.policy.prePublishPeriodSeconds);
  const hold = facts.policy.activationReadiness;
  if (hold === null || eligibleAt >= now) return eligibleAt;
  const deadline = addSeconds(eligibleAt, hold.maxDelaySeconds);
  return deadline < now ? deadline : now;
}
