import type { KeySetView } from '../keyring/view.js';
import { addSeconds } from '../lifecycle/facts.js';
import type { KeyStore, SightedClient } from '../store/key-store.js';
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

/** At most this many clients lacking the pending key are listed; the rest are only counted. */
export const LAGGING_CLIENTS_LIMIT = 50;

/** A client that fetched the JWKS within the window but never got the pending key. */
export interface LaggingClient {
  /**
   * A short pseudonym: hex of the first 8 bytes of its keyed hash of address and User-Agent, which
   * are never stored. Stable while the client keeps both, so it can be followed from view to view.
   */
  readonly id: string;
  readonly firstSeen: Date;
  readonly lastSeen: Date;
  /** The newest kid in a JWKS it was served; undefined when no key of the set has that time. */
  readonly newestKid: string | undefined;
  readonly newestKeySeen: Date;
}

export interface ReadinessReport extends Readiness {
  /** Most recently seen first, at most LAGGING_CLIENTS_LIMIT. */
  readonly clientsWithoutPendingKey: readonly LaggingClient[];
  /** How many more lack the pending key than are listed. */
  readonly moreClientsWithoutPendingKey: number;
}

/** Readiness, and which clients hold it back (one more query; the scheduler's hold needs only counts). */
export async function readinessReportOf(view: KeySetView, store: KeyStore, now: Date): Promise<ReadinessReport> {
  const readiness = await readinessOf(view, store, now);
  const pending = pendingKeyOf(view);
  if (pending === undefined) return { ...readiness, clientsWithoutPendingKey: [], moreClientsWithoutPendingKey: 0 };
  const clients = await store.clientsLackingKey(
    view.keySet.name,
    addSeconds(now, -READINESS_WINDOW_SECONDS),
    pending.createdAt,
    LAGGING_CLIENTS_LIMIT,
  );
  const kidAt = new Map(view.keys.map((key) => [key.createdAt.getTime(), key.kid]));
  const lacking = readiness.clientsSeen - readiness.clientsWithPendingKey;
  return {
    ...readiness,
    clientsWithoutPendingKey: clients.map((client) => laggingClient(client, kidAt)),
    moreClientsWithoutPendingKey: Math.max(0, lacking - clients.length),
  };
}

function laggingClient(client: SightedClient, kidAt: ReadonlyMap<number, string>): LaggingClient {
  return {
    id: client.clientHash.subarray(0, 8).toString('hex'),
    firstSeen: client.firstSeen,
    lastSeen: client.lastSeen,
    newestKid: kidAt.get(client.newestKeySeen.getTime()),
    newestKeySeen: client.newestKeySeen,
  };
}
