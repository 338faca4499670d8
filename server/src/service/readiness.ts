import type { KeySetView } from '../keyring/view.js';
import { addSeconds } from '../lifecycle/facts.js';
import type { KeyStore } from '../store/key-store.js';
import { pendingKeyOf } from './view-keys.js';

/** Clients are counted when they fetched the JWKS within this window. */
export const READINESS_WINDOW_SECONDS = 24 * 3_600;

export interface Readiness {
  readonly pendingKid: string | undefined;
  readonly windowSeconds: number;
  readonly clientsSeen: number;
  readonly clientsWithPendingKey: number;
  /** Undefined when no key is pending or no client was seen. */
  readonly share: number | undefined;
  /** The policy's activation hold, 0 without one. */
  readonly minShare: number;
  readonly eligibleAt: Date | undefined;
  readonly deadline: Date | undefined;
}

/**
 * Of the clients that fetched the key set's JWKS within the window, the share that were served a
 * copy containing the pending key (by what was served, not when: a lagging replica may still have
 * served the old one).
 */
export async function readinessOf(view: KeySetView, store: KeyStore, now: Date): Promise<Readiness> {
  const { policy } = view.keySet;
  const pending = pendingKeyOf(view);
  const hold = policy.activationReadiness;
  const base = {
    pendingKid: pending?.kid,
    windowSeconds: READINESS_WINDOW_SECONDS,
    minShare: hold?.minShare ?? 0,
    eligibleAt: pending === undefined ? undefined : addSeconds(pending.createdAt, policy.prePublishPeriodSeconds),
  };
  const since = addSeconds(now, -READINESS_WINDOW_SECONDS);
  if (pending === undefined) {
    // Still counted: they are the clients an immediate rotation would meet unprepared.
    const { seen } = await store.readinessCounts(view.keySet.name, since, now);
    return { ...base, clientsSeen: seen, clientsWithPendingKey: 0, share: undefined, deadline: undefined };
  }
  const counts = await store.readinessCounts(view.keySet.name, since, pending.createdAt);
  return {
    ...base,
    clientsSeen: counts.seen,
    clientsWithPendingKey: counts.holdingKey,
    share: counts.seen === 0 ? undefined : counts.holdingKey / counts.seen,
    deadline:
      hold === null || base.eligibleAt === undefined ? undefined : addSeconds(base.eligibleAt, hold.maxDelaySeconds),
  };
}
