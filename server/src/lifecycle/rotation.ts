import { KeywardError } from '../errors.js';
import type { KeyState, KeyUse } from './states.js';
import { assertTransition } from './transitions.js';

/** What the rules need to know about a key: no key material, no storage handles. */
export interface KeyFacts {
  readonly kid: string;
  readonly use: KeyUse;
  readonly state: KeyState;
}

export interface Transition {
  readonly kid: string;
  readonly from: KeyState;
  readonly to: KeyState;
  readonly at: Date;
}

export interface RotationPlan {
  /** Applied in order, before the new key is stored: the old signer steps down first. */
  readonly transitions: readonly Transition[];
  readonly newKeyState: KeyState;
  readonly previousKid: string | undefined;
}

/**
 * Immediate rotation: the new key signs at once and the previous signer stays published as
 * RETIRED, so tokens it signed keep verifying.
 */
export function planImmediateRotation(keys: readonly KeyFacts[], use: KeyUse, now: Date): RotationPlan {
  const active = keys.filter((key) => key.use === use && key.state === 'ACTIVE');
  if (active.length > 1) {
    // The database's partial unique index makes this unreachable; refuse rather than guess.
    throw new KeywardError('FAILED_PRECONDITION', `key set has ${active.length} active ${use} keys`);
  }
  const previous = active[0];
  if (previous === undefined) {
    return { transitions: [], newKeyState: 'ACTIVE', previousKid: undefined };
  }
  assertTransition(previous.kid, 'ACTIVE', 'RETIRED');
  return {
    transitions: [{ kid: previous.kid, from: 'ACTIVE', to: 'RETIRED', at: now }],
    newKeyState: 'ACTIVE',
    previousKid: previous.kid,
  };
}
