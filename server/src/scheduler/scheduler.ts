import type { Logger } from '../logging/logger.js';
import type { KeyManager } from '../service/key-manager.js';

export interface SchedulerOptions {
  readonly manager: KeyManager;
  readonly intervalMs: number;
  readonly logger: Logger;
  readonly metrics: SchedulerMetrics;
}

export interface SchedulerMetrics {
  /** A tick went through every key set without an error. */
  schedulerTickSucceeded(): void;
}

export interface Scheduler {
  /** Applies every lifecycle step due now, in every key set; resolves with how many it applied. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

// A key set that had been down for long catches up one step per transaction; this bounds one tick.
const MAX_STEPS_PER_KEY_SET = 100;

/**
 * Runs in every replica. Each step is its own transaction taken under the scheduler's advisory
 * lock, so whichever replica gets the lock acts and the others find nothing to do; a crash at any
 * point leaves a consistent state that the next tick continues from.
 */
export function startScheduler(options: SchedulerOptions): Scheduler {
  const { manager, logger } = options;
  let stopped = false;

  const runOnce = async (): Promise<number> => {
    let applied = 0;
    let failed = false;
    for (const view of manager.list()) {
      const name = view.keySet.name;
      try {
        for (let step = 0; step < MAX_STEPS_PER_KEY_SET; step += 1) {
          const outcome = await manager.runDueStep(name);
          if (outcome !== 'written') break;
          applied += 1;
        }
      } catch (error) {
        failed = true;
        logger.warn(
          { keySet: name, err: error instanceof Error ? error.message : String(error) },
          'scheduled step failed',
        );
      }
    }
    if (!failed) options.metrics.schedulerTickSucceeded();
    return applied;
  };

  // Ticks never overlap: each waits for the one before.
  let chain: Promise<unknown> = Promise.resolve();
  let timerTickPending = false;
  const tick = (): Promise<number> => {
    const result = chain.then(runOnce);
    chain = result;
    return result;
  };

  const timer = setInterval(() => {
    if (stopped || timerTickPending) return;
    timerTickPending = true;
    void tick().finally(() => {
      timerTickPending = false;
    });
  }, options.intervalMs);
  timer.unref();

  return {
    tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await chain;
    },
  };
}
