import { addSeconds, signingKeys, type KeyFacts, type KeySetFacts, type ReadinessShare } from './facts.js';
import { transition, type Plan } from './plan.js';
import { promotion } from './rotation.js';

export interface DuePlan extends Plan {
  /** When the rules wanted it to happen; catch-up after downtime applies plans in this order. */
  readonly dueAt: Date;
}

/**
 * The earliest lifecycle step that is due at `now`, or undefined. The scheduler applies one, then
 * asks again, so a service that was down catches up step by step, in the order things were due.
 *
 * Steps that only unpublish or erase take effect at their due time, so the state after catch-up is
 * the one continuous operation would have reached. Publishing a successor is the exception: a key
 * counts as published only from when it really was, so downtime delays the next activation rather
 * than shortening its pre-publish period.
 */
export function nextDuePlan(
  facts: KeySetFacts,
  now: Date,
  readiness: ReadinessShare = () => undefined,
): DuePlan | undefined {
  const due = duePlans(facts, now, readiness).filter((plan) => plan.dueAt <= now);
  due.sort((a, b) => +a.dueAt - +b.dueAt);
  return due[0];
}

function duePlans(facts: KeySetFacts, now: Date, readiness: ReadinessShare): DuePlan[] {
  const { policy } = facts;
  const plans: DuePlan[] = [];
  const { active, pending } = signingKeys(facts);

  if (pending !== undefined) {
    const activation = activationTime(facts, pending, now, readiness);
    if (activation !== undefined) plans.push({ ...promotion(active, pending, activation, now), dueAt: activation });
  } else if (active !== undefined && policy.autoRotate && active.activatedAt !== null) {
    const dueAt = addSeconds(active.activatedAt, policy.rotationPeriodSeconds - policy.prePublishPeriodSeconds);
    plans.push({ event: 'key.published', changes: [{ kind: 'create', state: 'PENDING', at: now }], dueAt });
  }

  for (const key of facts.keys) {
    if (key.state === 'RETIRED' && key.retiredAt !== null) {
      const dueAt = expiryDue(facts, key, key.retiredAt);
      plans.push({ event: 'key.expired', changes: [transition(key.kid, 'RETIRED', 'EXPIRED', dueAt)], dueAt });
    }
    const unpublishedAt = key.state === 'EXPIRED' ? key.expiredAt : key.state === 'REVOKED' ? key.revokedAt : null;
    if (unpublishedAt !== null) {
      const dueAt = addSeconds(unpublishedAt, policy.retentionPeriodSeconds);
      plans.push({ event: 'key.destroyed', changes: [transition(key.kid, key.state, 'DESTROYED', dueAt)], dueAt });
    }
  }
  return plans;
}

/**
 * When a pending key may start signing: once published for the pre-publish period and, with a
 * readiness policy, once enough clients have fetched it or the maximum delay has run out.
 * Undefined while it is held back.
 */
export function activationTime(
  facts: KeySetFacts,
  pending: KeyFacts,
  now: Date,
  readiness: ReadinessShare,
): Date | undefined {
  const eligibleAt = addSeconds(pending.createdAt, facts.policy.prePublishPeriodSeconds);
  const hold = facts.policy.activationReadiness;
  if (hold === null) return eligibleAt;
  const deadline = addSeconds(eligibleAt, hold.maxDelaySeconds);
  if (now >= deadline) return deadline;
  if (now < eligibleAt) return eligibleAt; // not due yet either way
  const share = readiness(pending.kid);
  // The share is only known now, not when it was reached: activation is recorded as now.
  return share !== undefined && share >= hold.minShare ? now : undefined;
}

/**
 * When a retired key leaves the JWKS: after the grace period, and never before the tokens it
 * signed have expired with the same margin the grace period leaves over max_token_ttl. The second
 * bound only matters when the policy shrank max_token_ttl after those tokens were issued.
 */
export function expiryDue(facts: KeySetFacts, key: KeyFacts, retiredAt: Date): Date {
  const { gracePeriodSeconds, maxTokenTtlSeconds } = facts.policy;
  const byGrace = addSeconds(retiredAt, gracePeriodSeconds);
  if (key.latestTokenExpiry === null) return byGrace;
  const byTokens = addSeconds(key.latestTokenExpiry, gracePeriodSeconds - maxTokenTtlSeconds);
  return byTokens > byGrace ? byTokens : byGrace;
}
