// Counts signatures per key and minute in memory, for the batch flush to persist: signing is the
// hot path, and must never wait on the database or allocate per call.

const MINUTE_MS = 60_000;

export interface SignatureCountBatch {
  /** Signatures made with `keyId` during the minute starting at `minute`. */
  counts: { keyId: string; minute: Date; count: number }[];
  /**
   * Per key: the latest signing time, and the latest `exp` of the tokens it signed (null when it
   * signed only payloads without one). The lifecycle keeps a key published until that `exp`.
   */
  lastSignedAt: { keyId: string; at: Date; latestTokenExpiry: Date | null }[];
}

/** One key's counts since the last drain. */
class KeyTally {
  /** The minute most records fall in, counted without touching a map. */
  minute: number;
  count = 0;
  /** Other minutes: the one before a minute boundary, or a late record. */
  earlier: Map<number, number> | undefined;
  lastSignedMs: number;
  /** -Infinity until a token with an `exp` is recorded. */
  latestExpiryMs = Number.NEGATIVE_INFINITY;

  constructor(minute: number, ms: number) {
    this.minute = minute;
    this.lastSignedMs = ms;
  }

  add(minute: number, ms: number, expiryMs: number): void {
    if (ms > this.lastSignedMs) this.lastSignedMs = ms;
    if (expiryMs > this.latestExpiryMs) this.latestExpiryMs = expiryMs;
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

  /** `tokenExpiresAt`: the signed token's `exp`, when it has one. */
  record(keyId: string, at: Date, tokenExpiresAt?: Date): void {
    const ms = at.getTime();
    const expiryMs = tokenExpiresAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    // An invalid date is a caller bug; bookkeeping must not fail the signature it follows.
    if (Number.isNaN(ms)) return;
    const minute = Math.floor(ms / MINUTE_MS);
    let tally = this.#tallies.get(keyId);
    if (tally === undefined) {
      tally = new KeyTally(minute, ms); // once per key between drains
      this.#tallies.set(keyId, tally);
    }
    tally.add(minute, ms, Number.isNaN(expiryMs) ? Number.NEGATIVE_INFINITY : expiryMs);
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
      batch.lastSignedAt.push({
        keyId,
        at: new Date(tally.lastSignedMs),
        latestTokenExpiry: Number.isFinite(tally.latestExpiryMs) ? new Date(tally.latestExpiryMs) : null,
      });
    }
    return batch;
  }
}
