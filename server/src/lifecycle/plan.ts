import type { KeyState } from './states.js';

/** One step a plan takes: move a key to another state, or create a key in a state. */
export type Change =
  | {
      readonly kind: 'transition';
      readonly kid: string;
      readonly from: KeyState;
      readonly to: KeyState;
      readonly at: Date;
    }
  | { readonly kind: 'create'; readonly state: 'PENDING' | 'ACTIVE'; readonly at: Date };

/**
 * What one lifecycle decision changes, applied in order in one transaction. The signer steps down
 * before its successor steps up, so at no point are there two ACTIVE keys.
 */
export interface Plan {
  /** What the audit trail calls it. */
  readonly event: PlanEvent;
  readonly changes: readonly Change[];
}

export type PlanEvent =
  'key.published' | 'key.activated' | 'key.rotated' | 'key.expired' | 'key.destroyed' | 'key.revoked';

export function transition(kid: string, from: KeyState, to: KeyState, at: Date): Change {
  return { kind: 'transition', kid, from, to, at };
}
