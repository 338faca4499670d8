// Which clients fetched each key set's JWKS since the last drain, so rotation readiness can tell
// whether the clients that matter have seen a new key. Raw client ids (address and User-Agent)
// are personal data: they stay in this class, and leave it only hashed.

import { invalidArgument } from '../errors.js';

export const DEFAULT_MAX_CLIENTS = 100_000;

export interface Sighting {
  keySet: string;
  clientHash: Buffer;
  firstSeen: Date;
  lastSeen: Date;
  /** The creation time of the newest key in any JWKS this client was served. */
  newestKeySeen: Date;
}

export interface SightingBatch {
  /** One per key set and client seen since the last drain. */
  sightings: Sighting[];
  /** New (key set, client) pairs not kept because the table was full: worth a log line. */
  droppedSinceLastDrain: number;
}

interface SeenTimes {
  firstMs: number;
  lastMs: number;
  newestKeyMs: number;
}

export class ClientSightings {
  readonly #maxClients: number;
  // Nested maps rather than one map keyed by a joined string: a repeat visit allocates nothing.
  // Private fields, so neither a logger nor util.inspect can reach the raw ids.
  #byKeySet = new Map<string, Map<string, SeenTimes>>();
  #pairs = 0;
  #dropped = 0;

  constructor(options: { maxClients?: number } = {}) {
    const maxClients = options.maxClients ?? DEFAULT_MAX_CLIENTS;
    if (!Number.isInteger(maxClients) || maxClients < 1) {
      throw invalidArgument('maxClients', 'must be a whole number of at least 1');
    }
    this.#maxClients = maxClients;
  }

  /**
   * `clientId` is opaque here; the gateway passes `remoteAddress + '\n' + userAgent`.
   * `newestKeyAt`: creation time of the newest key in the document served, which tells what the
   * client now holds (a lagging replica may still serve an older JWKS).
   */
  record(keySet: string, clientId: string, at: Date, newestKeyAt: Date): void {
    const ms = at.getTime();
    const newestKeyMs = newestKeyAt.getTime();
    // An invalid date is a caller bug; bookkeeping must not fail the request it follows.
    if (Number.isNaN(ms) || Number.isNaN(newestKeyMs)) return;
    let clients = this.#byKeySet.get(keySet);
    const seen = clients?.get(clientId);
    if (seen !== undefined) {
      if (ms < seen.firstMs) seen.firstMs = ms;
      if (ms > seen.lastMs) seen.lastMs = ms;
      if (newestKeyMs > seen.newestKeyMs) seen.newestKeyMs = newestKeyMs;
      return;
    }
    // Bounded, because anyone can make up new clients by varying the User-Agent.
    if (this.#pairs >= this.#maxClients) {
      this.#dropped += 1;
      return;
    }
    if (clients === undefined) {
      clients = new Map();
      this.#byKeySet.set(keySet, clients);
    }
    clients.set(clientId, { firstMs: ms, lastMs: ms, newestKeyMs });
    this.#pairs += 1;
  }

  /**
   * Everything seen since the last drain, each client replaced by `hash(clientId)`; starts afresh.
   * If `hash` throws, nothing is lost: the error propagates and the sightings stay for next time.
   */
  drain(hash: (clientId: string) => Buffer): SightingBatch {
    const sightings: Sighting[] = [];
    for (const [keySet, clients] of this.#byKeySet) {
      for (const [clientId, seen] of clients) {
        sightings.push({
          keySet,
          clientHash: hash(clientId),
          firstSeen: new Date(seen.firstMs),
          lastSeen: new Date(seen.lastMs),
          newestKeySeen: new Date(seen.newestKeyMs),
        });
      }
    }
    const batch = { sightings, droppedSinceLastDrain: this.#dropped };
    this.#byKeySet = new Map();
    this.#pairs = 0;
    this.#dropped = 0;
    return batch;
  }
}
