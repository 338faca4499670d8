// Kids a fresh JWKS did not hold, remembered briefly so that a token naming one again fails at once
// instead of costing a fetch. Bounded: a flood of random kids evicts the oldest, never grows memory.

export class RecentKids {
  readonly #seenAt = new Map<string, number>();

  constructor(
    private readonly capacity: number,
    private readonly ttlMs: number,
  ) {}

  has(kid: string, nowMs: number): boolean {
    const at = this.#seenAt.get(kid);
    if (at === undefined) return false;
    if (nowMs - at < this.ttlMs) return true;
    this.#seenAt.delete(kid);
    return false;
  }

  add(kid: string, nowMs: number): void {
    this.#seenAt.delete(kid); // re-inserted last: Map order is insertion order, oldest first
    this.#seenAt.set(kid, nowMs);
    while (this.#seenAt.size > this.capacity) {
      const oldest = this.#seenAt.keys().next().value as string;
      this.#seenAt.delete(oldest);
    }
  }

  /** A new JWKS may hold any of them now. */
  clear(): void {
    this.#seenAt.clear();
  }

  get size(): number {
    return this.#seenAt.size;
  }
}
