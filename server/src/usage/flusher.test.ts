// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startPeriodicFlush } from './flusher.js';
import { loggerInto } from '../test-support/logs.js';

let logs: string[];
const logger = () => loggerInto(logs, 'info');

/** A flush the test finishes by hand, to hold one in progress. */
class ControlledFlush {
  started = 0;
  running = 0;
  maxRunning = 0;
  private finishers: ((error?: Error) => void)[] = [];

  readonly flush = (): Promise<void> => {
    this.started += 1;
    this.running += 1;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    return new Promise<void>((resolve, reject) => {
      this.finishers.push((error) => {
        this.running -= 1;
        if (error) reject(error);
        else resolve();
      });
    });
  };

  finish(error?: Error): void {
    const finisher = this.finishers.shift();
    if (!finisher) throw new Error('no flush in progress');
    finisher(error);
  }
}

beforeEach(() => {
  logs = [];
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('startPeriodicFlush', () => {
  it('flushes every interval', async () => {
    const flush = vi.fn(async () => {});
    startPeriodicFlush({ intervalMs: 1_000, flush, logger: logger() });

    await vi.advanceTimersByTimeAsync(999);
    expect(flush).toHaveBeenCalledTimes(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(flush).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(flush).toHaveBeenCalledTimes(4);
  });

  it('never overlaps: a slow flush delays the next one', async () => {
    const controlled = new ControlledFlush();
    const flusher = startPeriodicFlush({ intervalMs: 1_000, flush: controlled.flush, logger: logger() });

    await vi.advanceTimersByTimeAsync(1_000);
    expect(controlled.started).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000); // still running: nothing else starts
    expect(controlled.started).toBe(1);

    controlled.finish();
    await vi.advanceTimersByTimeAsync(999);
    expect(controlled.started).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(controlled.started).toBe(2);

    const now = flusher.flushNow(); // waits for the one in progress
    await vi.advanceTimersByTimeAsync(0);
    expect(controlled.started).toBe(2);
    controlled.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(controlled.started).toBe(3);
    controlled.finish();
    await now;
    expect(controlled.maxRunning).toBe(1);
  });

  it('logs a failed flush by its message only, and keeps going', async () => {
    const flush = vi.fn(() => Promise.reject(new Error('database is down')));
    startPeriodicFlush({ intervalMs: 1_000, flush, logger: logger() });

    await vi.advanceTimersByTimeAsync(2_000);

    expect(flush).toHaveBeenCalledTimes(2);
    expect(logs).toHaveLength(2);
    const line = JSON.parse(logs[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 50, msg: 'usage flush failed', error: 'database is down' });
    expect(logs[0]).not.toContain('flusher.test.ts'); // no stack
  });

  it('flushNow flushes at once and does not reject', async () => {
    const flush = vi.fn<() => Promise<void>>().mockResolvedValueOnce().mockRejectedValueOnce(new Error('nope'));
    const flusher = startPeriodicFlush({ intervalMs: 60_000, flush, logger: logger() });

    await flusher.flushNow();
    expect(flush).toHaveBeenCalledTimes(1);
    await expect(flusher.flushNow()).resolves.toBeUndefined();
    expect(flush).toHaveBeenCalledTimes(2);
    expect(logs.join('')).toContain('nope');
  });

  it('stop runs one last flush, then no more', async () => {
    const flush = vi.fn(async () => {});
    const flusher = startPeriodicFlush({ intervalMs: 1_000, flush, logger: logger() });

    await flusher.stop();
    expect(flush).toHaveBeenCalledTimes(1);

    await vi.advanceTimersByTimeAsync(10_000);
    await flusher.stop();
    await flusher.flushNow();
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it('stop waits for a flush in progress, then flushes once more', async () => {
    const controlled = new ControlledFlush();
    const flusher = startPeriodicFlush({ intervalMs: 1_000, flush: controlled.flush, logger: logger() });
    await vi.advanceTimersByTimeAsync(1_000);

    let stopped = false;
    const stopping = flusher.stop().then(() => (stopped = true));
    controlled.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(controlled.started).toBe(2);
    expect(stopped).toBe(false);
    controlled.finish();
    await stopping;

    await vi.advanceTimersByTimeAsync(10_000);
    expect(controlled.started).toBe(2);
  });

  it('does not keep the process alive', async () => {
    vi.useRealTimers();
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    const flusher = startPeriodicFlush({ intervalMs: 1_000, flush: async () => {}, logger: logger() });
    const timer = setTimeoutSpy.mock.results[0]?.value as NodeJS.Timeout;
    setTimeoutSpy.mockRestore();

    expect(timer.hasRef()).toBe(false);
    await flusher.stop();
  });

  it('refuses an interval a timer cannot honour', () => {
    for (const intervalMs of [0, -5, 2.5, Number.NaN, 2 ** 31]) {
      expect(() => startPeriodicFlush({ intervalMs, flush: async () => {}, logger: logger() })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
  });
});
