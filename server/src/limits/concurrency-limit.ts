// Bounds concurrent expensive operations (RSA key generation), so a burst of them cannot take
// every core from signing. Waiters are served first come, first served; past a short queue,
// callers are refused at once rather than left waiting behind work that may take seconds. Work
// whose caller stops waiting (deadline passed, call cancelled) leaves the queue and never runs.

import { KeywardError } from '../errors.js';
import { CallDeadline } from './call-deadline.js';

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
  // At most maxQueued long, so shift() and indexOf() stay cheap. A waiter is called with its slot.
  readonly #waiting: (() => void)[] = [];

  constructor(options: ConcurrencyLimitOptions) {
    const { maxRunning, maxQueued } = options;
    if (!(Number.isSafeInteger(maxRunning) && maxRunning >= 1)) {
      throw new KeywardError('INTERNAL', `ConcurrencyLimit: maxRunning must be a positive integer, got ${maxRunning}`);
    }
    if (!(Number.isSafeInteger(maxQueued) && maxQueued >= 0)) {
      throw new KeywardError(
        'INTERNAL',
        `ConcurrencyLimit: maxQueued must be a non-negative integer, got ${maxQueued}`,
      );
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
   * Runs `work` once a slot is free, in arrival order. Rejects without running it: with
   * RESOURCE_EXHAUSTED when maxQueued calls are already waiting, with DEADLINE_EXCEEDED or
   * CANCELLED when the caller stops waiting first. `work` failing frees its slot too.
   */
  run<T>(work: () => Promise<T>, deadline: CallDeadline = CallDeadline.none()): Promise<T> {
    const gone = deadline.gone();
    if (gone !== undefined) return Promise.reject(gone);
    if (this.#running < this.#maxRunning) {
      this.#running += 1;
      return this.#execute(work);
    }
    if (this.#waiting.length >= this.#maxQueued) {
      return Promise.reject(
        new KeywardError('RESOURCE_EXHAUSTED', `too many ${this.#what} in progress; retry shortly`),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const waiter = () => {
        stopListening();
        const reason = deadline.gone();
        if (reason === undefined) {
          resolve(this.#execute(work));
        } else {
          // Its timer has not fired yet: pass the slot on rather than start work nobody waits for.
          this.#release();
          reject(reason);
        }
      };
      const stopListening = deadline.onGone(() => {
        const at = this.#waiting.indexOf(waiter);
        if (at === -1) return;
        this.#waiting.splice(at, 1);
        reject(deadline.gone()!); // onGone calls back only once gone() has the reason
      });
      this.#waiting.push(waiter);
    });
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
