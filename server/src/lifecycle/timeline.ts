import { addSeconds, signingKeys, type KeyFacts, type KeySetFacts } from './facts.js';
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
  // Every moment this key entered a state, past or scheduled, in order.
  const steps: { state: KeyState; at: Date }[] = [];
  const push = (state: KeyState, at: Date | null) => {
    if (at !== null) steps.push({ state, at });
  };
  if (key.activatedAt === null || key.createdAt < key.activatedAt) push('PENDING', key.createdAt);
  push('ACTIVE', key.activatedAt);
  push('RETIRED', key.retiredAt);
  push('EXPIRED', key.expiredAt);
  push('REVOKED', key.revokedAt);
  push('DESTROYED', key.destroyedAt);

  const last = steps.at(-1)!;
  for (let state: KeyState | undefined = last.state, at = last.at; state !== undefined; ) {
    const next = scheduledAfter(facts, key, state, at);
    if (next === undefined) break;
    steps.push(next);
    ({ state, at } = next);
  }
  return steps.map((step, index) => ({
    state: step.state,
    start: step.at,
    end: steps[index + 1]?.at ?? null,
    scheduled: step.at > now,
  }));
}

function scheduledAfter(
  facts: KeySetFacts,
  key: KeyFacts,
  state: KeyState,
  since: Date,
): { state: KeyState; at: Date } | undefined {
  const { policy } = facts;
  switch (state) {
    case 'PENDING':
      return { state: 'ACTIVE', at: addSeconds(key.createdAt, policy.prePublishPeriodSeconds) };
    case 'ACTIVE': {
      const { pending } = signingKeys(facts);
      if (key.state === 'ACTIVE' && pending !== undefined) {
        return { state: 'RETIRED', at: addSeconds(pending.createdAt, policy.prePublishPeriodSeconds) };
      }
      return policy.autoRotate ? { state: 'RETIRED', at: addSeconds(since, policy.rotationPeriodSeconds) } : undefined;
    }
    case 'RETIRED':
      return { state: 'EXPIRED', at: addSeconds(since, policy.gracePeriodSeconds) };
    case 'EXPIRED':
    case 'REVOKED':
      return { state: 'DESTROYED', at: addSeconds(since, policy.retentionPeriodSeconds) };
    case 'DESTROYED':
      return undefined;
  }
}
