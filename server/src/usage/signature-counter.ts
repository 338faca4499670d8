// Counts signatures per key and minute in memory, for the batch flush to persist: signing is the
// hot path, and must never wait on the database or allocate per call.

const MINUTE_MS = 60_000;

export interface SignatureCountBatch {
  /** Signatures made with `keyId` during the minute starting at `minute`. */
  counts: { keyId: string; minute: Date; count: number }[];
  /** The latest signing time recorded per key. */
  lastSignedAt: { keyId: string; at: Date }[];
}

/** One key's counts since the last drain. */
class KeyTally {
  /** The minute most records fall in, counted without touching a map. */
  minute: number;
  count = 0;
  /** Other minutes: the one before a minute boundary, or a late record. */
  earlier: Map<number, number> | undefined;
  lastSignedMs: number;

  constructor(minute: number, ms: number) {
    this.minute = minute;
    this.lastSignedMs = ms;
  }

  add(minute: number, ms: number): void {
    if (ms > this.lastSignedMs) this.lastSignedMs = ms;
    if (minute === this.minute) {
      this.count += 1;
      return;
    }
    // A new minute (or an older one): park the current count and make `minute` the current one.
    this.earlier ??= new Map();
    this.earlier.set(this.minute, (this.earlier.get(this.minute) ?? 0) + this.count);
    this.count = (this.earlier.get(minute) ?? 0) + 1;
    this.earlier.delete(minute);
    this.minute = minute;
  }
}

export class SignatureCounter {
  // Keys come from our own store, so this map stays as small as the number of signing keys.
  #tallies = new Map<string, KeyTally>();

  record(keyId: string, at: Date): void {
    const ms = at.getTime();
    // An invalid date is a caller bug; bookkeeping must not fail the signature it follows.
    if (Number.isNaN(ms)) return;
    const minute = Math.floor(ms / MINUTE_MS);
    let tally = this.#tallies.get(keyId);
    if (tally === undefined) {
      tally = new KeyTally(minute, ms); // once per key between drains
      this.#tallies.set(keyId, tally);
    }
    tally.add(minute, ms);
  }

  /** Everything recorded since the last drain; starts counting afresh. */
  drain(): SignatureCountBatch {
    const tallies = this.#tallies;
    this.#tallies = new Map();
    const batch: SignatureCountBatch = { counts: [], lastSignedAt: [] };
    for (const [keyId, tally] of tallies) {
      for (const [minute, count] of tally.earlier ?? []) {
        batch.counts.push({ keyId, minute: new Date(minute * MINUTE_MS), count });
      }
      batch.counts.push({ keyId, minute: new Date(tally.minute * MINUTE_MS), count: tally.count });
      batch.lastSignedAt.push({ keyId, at: new Date(tally.lastSignedMs) });
    }
    return batch;
  }
}
