import { KeywardError } from '../errors.js';
import type { KeyFacts, KeySetFacts } from './facts.js';
import { signingKeys } from './facts.js';
import { transition, type Change, type Plan } from './plan.js';

export type RotationMode = 'SCHEDULED' | 'IMMEDIATE';

export interface RotationPlan extends Plan {
  /** Set when a scheduled rotation found one already under way: nothing new is created. */
  readonly existingPendingKid: string | undefined;
}

/**
 * SCHEDULED publishes a PENDING successor that the scheduler activates once the pre-publish period
 * has passed; asking again while one is pending returns that one (rotation storms create one key).
 * IMMEDIATE makes a successor sign now: the pending one when there is one (clients may already
 * hold it), else a new key that clients with a cached JWKS will not know until they refresh.
 */
export function planRotation(facts: KeySetFacts, mode: RotationMode, now: Date): RotationPlan {
  const { active, pending } = signingKeys(facts);
  if (mode === 'SCHEDULED') {
    if (pending !== undefined) return { event: 'key.published', changes: [], existingPendingKid: pending.kid };
    return {
      event: 'key.published',
      changes: [{ kind: 'create', state: 'PENDING', at: now }],
      existingPendingKid: undefined,
    };
  }
  return { ...promotion(active, pending, now, now), existingPendingKid: undefined };
}

/** The successor signs from `at`; the current signer retires no earlier than its last signature. */
export function promotion(active: KeyFacts | undefined, pending: KeyFacts | undefined, at: Date, now: Date): Plan {
  const changes: Change[] = [];
  if (active !== undefined) {
    // A replica that had not yet heard of the promotion may have signed after `at`: the grace
    // period then runs from that signature, never from before it.
    const retiredAt = active.lastSignedAt !== null && active.lastSignedAt > at ? minDate(active.lastSignedAt, now) : at;
    changes.push(transition(active.kid, 'ACTIVE', 'RETIRED', retiredAt));
  }
  changes.push(
    pending === undefined ? { kind: 'create', state: 'ACTIVE', at } : transition(pending.kid, 'PENDING', 'ACTIVE', at),
  );
  return { event: active === undefined ? 'key.activated' : 'key.rotated', changes };
}

/**
 * Revocation unpublishes at once. Revoking the signer promotes a replacement at once: the pending
 * key when there is one, else a new key.
 */
export function planRevocation(facts: KeySetFacts, kid: string, now: Date): Plan {
  const key = facts.keys.find((candidate) => candidate.kid === kid);
  if (key === undefined) throw new KeywardError('NOT_FOUND', `key ${kid} does not exist`);
  if (key.state === 'REVOKED') throw new KeywardError('FAILED_PRECONDITION', `key ${kid} is already revoked`);
  if (key.state === 'EXPIRED' || key.state === 'DESTROYED') {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `key ${kid} is ${key.state}: it is no longer published and cannot sign, so there is nothing to revoke`,
    );
  }
  const revoke = transition(kid, key.state, 'REVOKED', now);
  // Only a signing key has a successor to promote; the signer of another use is left alone.
  if (key.state !== 'ACTIVE' || key.use !== 'sig') return { event: 'key.revoked', changes: [revoke] };
  const { pending } = signingKeys(facts);
  const successor =
    pending === undefined
      ? ({ kind: 'create', state: 'ACTIVE', at: now } as const)
      : transition(pending.kid, 'PENDING', 'ACTIVE', now);
  return { event: 'key.revoked', changes: [revoke, successor] };
}

function minDate(a: Date, b: Date): Date {
  return a < b ? a : b;
}
