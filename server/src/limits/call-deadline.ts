// How long a caller still waits for its answer. Work that queues (key generation, password checks)
// carries its caller's deadline, so that work whose caller has gone (deadline passed, call
// cancelled) is dropped before it starts instead of taking a slot from callers still waiting.

import { KeywardError } from '../errors.js';

export class CallDeadline {
  /** No deadline: internal work (the scheduler) and callers that set none. */
  static none(): CallDeadline {
    return new CallDeadline(Number.POSITIVE_INFINITY);
  }

  #ended: 'cancelled' | 'expired' | undefined;
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;

  /**
   * @param atMs when the caller stops waiting, in Date.now() milliseconds (wall time, whatever
   *   clock the service runs its lifecycle on: the deadline is the caller's); Infinity for none.
   */
  constructor(
    readonly atMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The caller cancelled the call (or went away): the deadline ends now. */
  cancel(): void {
    this.#end('cancelled');
  }

  /** The reason the caller no longer waits, or undefined while it does. */
  gone(): KeywardError | undefined {
    if (this.#ended === 'cancelled')
      return new KeywardError('CANCELLED', 'the caller cancelled the call; nothing was done');
    if (this.#ended === 'expired' || this.now() >= this.atMs) {
      return new KeywardError(
        'DEADLINE_EXCEEDED',
        "the call's deadline passed before the work could start; nothing was done",
      );
    }
    return undefined;
  }

  /** Throws the reason the caller no longer waits, if it does not. */
  assertWaiting(): void {
    const reason = this.gone();
    if (reason !== undefined) throw reason;
  }

  /**
   * Calls `listener` once when the caller stops waiting (at once if it already has). Returns a
   * function that stops listening. The timer exists only while someone listens.
   */
  onGone(listener: () => void): () => void {
    if (this.gone() !== undefined) {
      listener();
      return () => {};
    }
    this.#listeners.add(listener);
    if (this.#timer === undefined && Number.isFinite(this.atMs)) {
      this.#timer = setTimeout(() => this.#end('expired'), Math.max(0, this.atMs - this.now()));
      this.#timer.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.#stopTimer();
    };
  }

  #end(how: 'cancelled' | 'expired'): void {
    if (this.#ended !== undefined) return;
    this.#ended = how;
    this.#stopTimer();
    const listeners = [...this.#listeners];
    this.#listeners.clear();
    for (const listener of listeners) listener();
  }

  #stopTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
