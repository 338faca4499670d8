import { KeywardError } from '../errors.js';
import type { Plan } from '../lifecycle/plan.js';
import { assertTransition } from '../lifecycle/transitions.js';
import type { KeySetWrite, StateChange } from '../store/key-store.js';
import type { KeyEventInput } from '../model/events.js';
import type { KeyRecord } from '../model/key.js';

export interface WriteContext {
  readonly now: Date;
  readonly actor: string;
  readonly reason: string | null;
  /** The key a `create` change stores, minted beforehand; its state and times are set here. */
  readonly minted: KeyRecord | undefined;
}

export interface PlannedWrite {
  readonly write: KeySetWrite;
  /** The key the plan created, as stored. */
  readonly created: KeyRecord | undefined;
}

/** Whether applying the plan needs a freshly minted key. */
export function needsNewKey(plan: Plan): boolean {
  return plan.changes.some((change) => change.kind === 'create');
}

/**
 * The store write for a lifecycle plan, with one audit event per key that changes: a promotion
 * records both the key that stepped down and the one that stepped up, each naming the plan
 * (rotation, revocation, ...) that moved it as its `cause`.
 */
export function planToWrite(plan: Plan, context: WriteContext): PlannedWrite {
  const changes: StateChange[] = [];
  const events: KeyEventInput[] = [];
  let created: KeyRecord | undefined;
  for (const change of plan.changes) {
    if (change.kind === 'transition') {
      // The one gate between the rules and the store: no state is written that the table forbids.
      assertTransition(change.kid, change.from, change.to);
      changes.push({ kid: change.kid, from: change.from, to: change.to, at: change.at, reason: context.reason });
      events.push(
        event(
          change.to,
          change.kid,
          context,
          { state: change.from },
          { state: change.to, at: change.at, cause: plan.event },
        ),
      );
      continue;
    }
    if (context.minted === undefined) {
      throw new KeywardError('INTERNAL', 'a lifecycle plan creates a key, but none was minted for it');
    }
    created = {
      ...context.minted,
      state: change.state,
      createdAt: change.at,
      activatedAt: change.state === 'ACTIVE' ? change.at : null,
    };
    events.push(
      event(change.state === 'ACTIVE' ? 'ACTIVE' : 'PUBLISHED', created.kid, context, null, {
        state: change.state,
        at: change.at,
        alg: created.alg,
        cause: plan.event,
      }),
    );
  }
  return { write: { changes, newKeys: created === undefined ? [] : [created], events }, created };
}

const EVENT_TYPES = {
  PUBLISHED: 'key.published',
  PENDING: 'key.published',
  ACTIVE: 'key.activated',
  RETIRED: 'key.retired',
  EXPIRED: 'key.expired',
  DESTROYED: 'key.destroyed',
  REVOKED: 'key.revoked',
} as const;

function event(
  what: keyof typeof EVENT_TYPES,
  kid: string,
  context: WriteContext,
  before: unknown,
  after: unknown,
): KeyEventInput {
  return { at: context.now, kid, type: EVENT_TYPES[what], actor: context.actor, reason: context.reason, before, after };
}
