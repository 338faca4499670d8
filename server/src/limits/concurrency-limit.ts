// Bounds concurrent expensive operations (RSA key generation), so a burst of them cannot take
// every core from signing. Waiters are served first come, first served; past a short queue,
// callers are refused at once rather than left waiting behind work that may take seconds.

import { KeywardError } from '../errors.js';

export interface ConcurrencyLimitOptions {
  /** Operations allowed to run at once. At least 1. */
  maxRunning: number;
  /** Operations allowed to wait for a slot; more are refused. 0 refuses whenever all slots are busy. */
  maxQueued: number;
  /** What is limited, for the refusal: "too many <what> in progress". */
  what: string;
}

export class ConcurrencyLimit {
  readonly #maxRunning: number;
  readonly #maxQueued: number;
  readonly #what: string;
  #running = 0;
  // At most maxQueued long, so shift() stays cheap.
  readonly #waiting: (() => void)[] = [];

  constructor(options: ConcurrencyLimitOptions) {
    const { maxRunning, maxQueued } = options;
    if (!(Number.isSafeInteger(maxRunning) && maxRunning >= 1)) {
      throw new KeywardError('INTERNAL', `ConcurrencyLimit: maxRunning must be a positive integer, got ${maxRunning}`);
    }
    if (!(Number.isSafeInteger(maxQueued) && maxQueued >= 0)) {
      throw new KeywardError('INTERNAL', `ConcurrencyLimit: maxQueued must be a non-negative integer, got ${maxQueued}`);
    }
    this.#maxRunning = maxRunning;
    this.#maxQueued = maxQueued;
    this.#what = options.what;
  }

  /** Slots taken: operations running, plus any just handed a slot and about to start. */
  get running(): number {
    return this.#running;
  }

  /** Operations waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  /**
   * Runs `work` once a slot is free, in arrival order. Rejects with RESOURCE_EXHAUSTED, without
   * running it, when maxQueued calls are already waiting. `work` failing frees its slot too.
   */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.#running < this.#maxRunning) {
      this.#running += 1;
      return this.#execute(work);
    }
    if (this.#waiting.length >= this.#maxQueued) {
      return Promise.reject(
        new KeywardError('RESOURCE_EXHAUSTED', `too many ${this.#what} in progress; retry shortly`),
      );
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve)).then(() => this.#execute(work));
  }

  async #execute<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work(); // inside the try: a synchronous throw frees the slot as well
    } finally {
      this.#release();
    }
  }

  #release(): void {
    const next = this.#waiting.shift();
    // Hand the slot straight to the next waiter, keeping it counted, so a call arriving before
    // that waiter resumes cannot take the slot and jump the queue.
    if (next === undefined) this.#running -= 1;
    else next();
  }
}
