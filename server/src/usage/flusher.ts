// Runs the usage flush (drain the in-memory counters, write them in one batch) on a timer, one
// flush at a time. A failed flush is logged and the next one tries again: usage data is worth
// less than the service staying up.

import { invalidArgument } from '../errors.js';
import type { Logger } from '../logging/logger.js';

// setTimeout treats anything longer as 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface PeriodicFlushOptions {
  intervalMs: number;
  flush: () => Promise<void>;
  logger: Logger;
}

export interface PeriodicFlush {
  /** Flushes after any flush in progress (which may have drained too early). Never rejects: failures are logged. */
  flushNow(): Promise<void>;
  /** Stops the timer and runs one last flush. Never rejects; later calls return the same promise. */
  stop(): Promise<void>;
}

export function startPeriodicFlush(options: PeriodicFlushOptions): PeriodicFlush {
  const { intervalMs, flush, logger } = options;
  if (!Number.isInteger(intervalMs) || intervalMs < 1 || intervalMs > MAX_TIMER_MS) {
    throw invalidArgument('intervalMs', `must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }

  const flushOnce = async () => {
    try {
      await flush();
    } catch (error) {
      // The message only: a stack says nothing an operator can act on, and a driver error's
      // extra fields may quote the rows it failed to write.
      logger.error({ error: error instanceof Error ? error.message : String(error) }, 'usage flush failed');
    }
  };

  // Flushes run one after another: each waits for the one before, so they never overlap.
  let lastFlush = Promise.resolve();
  const flushInTurn = () => (lastFlush = lastFlush.then(flushOnce));

  let timer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  // The next flush is timed from the end of the last one, so a slow flush delays it.
  const scheduleNext = () => {
    timer = setTimeout(() => {
      timer = undefined;
      void flushInTurn().then(() => {
        if (stopping === undefined) scheduleNext();
      });
    }, intervalMs);
    timer.unref(); // counters must not keep a finished process alive
  };
  scheduleNext();

  return {
    flushNow: () => stopping ?? flushInTurn(),
    stop() {
      stopping ??= (() => {
        clearTimeout(timer);
        return flushInTurn();
      })();
      return stopping;
    },
  };
}
