// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { CallDeadline } from './call-deadline.js';
import { ConcurrencyLimit } from './concurrency-limit.js';

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise callback run; no timer involved. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Work items that record when they start and how many run at once, finished by hand. */
function instrumented() {
  const started: number[] = [];
  const gates = new Map<number, Deferred<number>>();
  let inFlight = 0;
  let maxInFlight = 0;
  const work = (id: number) => async (): Promise<number> => {
    started.push(id);
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const gate = deferred<number>();
    gates.set(id, gate);
    try {
      return await gate.promise;
    } finally {
      inFlight -= 1;
    }
  };
  const gate = (id: number): Deferred<number> => {
    const found = gates.get(id);
    if (found === undefined) throw new Error(`work ${id} has not started`);
    return found;
  };
  return { started, work, gate, stats: () => ({ inFlight, maxInFlight }) };
}

describe('ConcurrencyLimit', () => {
  it('runs at most maxRunning at once and queues the rest', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 2, maxQueued: 10, what: 'key generations' });
    const { started, work, gate, stats } = instrumented();

    const results = [1, 2, 3, 4, 5].map((id) => limit.run(work(id)));
    await settle();
    expect(started).toEqual([1, 2]);
    expect(limit.running).toBe(2);
    expect(limit.queued).toBe(3);

    gate(2).resolve(20);
    await settle();
    expect(started).toEqual([1, 2, 3]);
    expect(stats()).toEqual({ inFlight: 2, maxInFlight: 2 });

    gate(1).resolve(10);
    gate(3).resolve(30);
    await settle();
    expect(started).toEqual([1, 2, 3, 4, 5]);
    expect(limit.queued).toBe(0);

    gate(4).resolve(40);
    gate(5).resolve(50);
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40, 50]);
    expect(stats().maxInFlight).toBe(2);
    expect(limit.running).toBe(0);
  });

  it('starts waiters in arrival order, ahead of later calls', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 10, what: 'key generations' });
    const { started, work, gate } = instrumented();

    const first = limit.run(work(1));
    const waiting = [limit.run(work(2)), limit.run(work(3))];
    await settle();

    gate(1).resolve(1);
    await first;
    const latecomer = limit.run(work(4)); // while 3 still waits
    await settle();
    expect(started).toEqual([1, 2]);
    expect(limit.queued).toBe(2);

    gate(2).resolve(2);
    await settle();
    gate(3).resolve(3);
    await settle();
    gate(4).resolve(4);
    await Promise.all([...waiting, latecomer]);
    expect(started).toEqual([1, 2, 3, 4]);
  });

  it('never lets a call that arrives as a slot frees start ahead of a waiter', async () => {
    // The latecomer arrives after 0, 1, 2, ... microtask hops, so one of them lands between the
    // slot freeing and the waiter resuming, whatever the exact number of hops in between.
    for (let hops = 0; hops < 12; hops += 1) {
      const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 10, what: 'key generations' });
      const { started, work, gate } = instrumented();
      const first = limit.run(work(1));
      const waiter = limit.run(work(2));
      await settle();

      let arrival: Promise<unknown> = Promise.resolve();
      for (let i = 0; i < hops; i += 1) arrival = arrival.then(() => undefined);
      gate(1).resolve(1);
      const latecomer = arrival.then(() => limit.run(work(3)));
      await first;
      await settle();
      expect({ hops, started }).toEqual({ hops, started: [1, 2] });

      gate(2).resolve(2);
      await settle();
      gate(3).resolve(3);
      await Promise.all([waiter, latecomer]);
    }
  });

  it('refuses at once when the queue is full, without running the work', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 2, what: 'key generations' });
    const { started, work, gate } = instrumented();
    const accepted = [1, 2, 3].map((id) => limit.run(work(id)));
    await settle();

    let overflowRan = false;
    const overflow = limit.run(() => {
      overflowRan = true;
      return Promise.resolve();
    });
    // Nothing has finished, so the refusal cannot have waited for a slot.
    const error: unknown = await overflow.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KeywardError);
    expect(error).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      message: 'too many key generations in progress; retry shortly',
    });
    expect(overflowRan).toBe(false);
    expect(limit.running).toBe(1);
    expect(limit.queued).toBe(2);

    for (const id of [1, 2, 3]) {
      gate(id).resolve(id);
      await settle();
    }
    await expect(Promise.all(accepted)).resolves.toEqual([1, 2, 3]);
    expect(started).toEqual([1, 2, 3]);
  });

  it('with maxQueued 0, refuses whenever every slot is busy', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 0, what: 'key generations' });
    const gate = deferred<string>();
    const running = limit.run(() => gate.promise);
    await expect(limit.run(() => Promise.resolve('no'))).rejects.toMatchObject({ code: 'RESOURCE_EXHAUSTED' });
    gate.resolve('yes');
    await expect(running).resolves.toBe('yes');
    await expect(limit.run(() => Promise.resolve('again'))).resolves.toBe('again');
  });

  it('frees the slot of work that rejects or throws', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 5, what: 'key generations' });
    const gate = deferred<string>();
    const failing = limit.run(() => gate.promise);
    const throwing = limit.run((): Promise<string> => {
      throw new Error('thrown before any promise');
    });
    const after = limit.run(() => Promise.resolve('ran'));
    await settle();
    expect(limit.queued).toBe(2);

    gate.reject(new Error('generation failed'));
    await expect(failing).rejects.toThrow('generation failed');
    await expect(throwing).rejects.toThrow('thrown before any promise');
    await expect(after).resolves.toBe('ran');
    expect(limit.running).toBe(0);
    expect(limit.queued).toBe(0);
  });

  it('drops a waiter whose caller cancels, without running it; the others keep their order', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 5, what: 'key generations' });
    const { started, work, gate } = instrumented();
    const first = limit.run(work(1));
    const cancelled = new CallDeadline(Number.POSITIVE_INFINITY);
    const dropped = limit.run(work(2), cancelled);
    const third = limit.run(work(3));
    await settle();
    expect(limit.queued).toBe(2);

    cancelled.cancel();
    await expect(dropped).rejects.toMatchObject({
      code: 'CANCELLED',
      message: 'the caller cancelled the call; nothing was done',
    });
    expect(limit.queued).toBe(1);

    gate(1).resolve(1);
    await settle();
    gate(3).resolve(3);
    await expect(Promise.all([first, third])).resolves.toEqual([1, 3]);
    expect(started).toEqual([1, 3]);
    expect(limit.running).toBe(0);
  });

  it('drops a waiter when its deadline passes while it waits', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 5, what: 'key generations' });
    const { started, work, gate } = instrumented();
    const first = limit.run(work(1));
    const late = limit.run(work(2), new CallDeadline(Date.now() + 20));
    const error: unknown = await late.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    expect(limit.queued).toBe(0);
    gate(1).resolve(1);
    await expect(first).resolves.toBe(1);
    expect(started).toEqual([1]);
  });

  it('refuses at once work whose caller has already gone', async () => {
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 5, what: 'key generations' });
    let ran = false;
    const past = new CallDeadline(Date.now() - 1);
    await expect(limit.run(() => Promise.resolve((ran = true)), past)).rejects.toMatchObject({
      code: 'DEADLINE_EXCEEDED',
    });
    expect(ran).toBe(false);
    expect(limit.running).toBe(0);
  });

  it("passes a slot on when its waiter's deadline passed before the deadline's timer fired", async () => {
    let nowMs = 0;
    const limit = new ConcurrencyLimit({ maxRunning: 1, maxQueued: 5, what: 'key generations' });
    const { started, work, gate } = instrumented();
    const first = limit.run(work(1));
    const expiring = limit.run(work(2), new CallDeadline(60_000, () => nowMs));
    const third = limit.run(work(3));
    await settle();

    nowMs = 60_000; // the clock says it is over; the real timer is a minute away
    gate(1).resolve(1);
    await expect(expiring).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
    await settle();
    expect(started).toEqual([1, 3]);
    gate(3).resolve(3);
    await expect(Promise.all([first, third])).resolves.toEqual([1, 3]);
    expect(limit.running).toBe(0);
  });

  it('rejects unusable options', () => {
    expect(() => new ConcurrencyLimit({ maxRunning: 0, maxQueued: 1, what: 'key generations' })).toThrow(/maxRunning/);
    expect(() => new ConcurrencyLimit({ maxRunning: 1.5, maxQueued: 1, what: 'key generations' })).toThrow(
      /maxRunning/,
    );
    expect(() => new ConcurrencyLimit({ maxRunning: 1, maxQueued: -1, what: 'key generations' })).toThrow(/maxQueued/);
  });

  it('over any finishing order, keeps the bound, the FIFO start order and every result', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 6 }),
        // Each step finishes the nth running item (modulo how many run), succeeding or failing.
        fc.array(fc.record({ pick: fc.nat(), fail: fc.boolean() }), { minLength: 12, maxLength: 12 }),
        async (maxRunning, maxQueued, steps) => {
          const limit = new ConcurrencyLimit({ maxRunning, maxQueued, what: 'key generations' });
          const { started, work, gate, stats } = instrumented();
          const total = 12;
          const outcomes = Array.from({ length: total }, (_, id) =>
            limit.run(work(id)).then(
              (value) => ({ ok: true as const, value }),
              (error: unknown) => ({ ok: false as const, error }),
            ),
          );
          await settle();
          const acceptedCount = Math.min(total, maxRunning + maxQueued);

          const finished = new Map<number, boolean>(); // id → failed
          for (const { pick, fail } of steps) {
            const runningIds = started.filter((id) => !finished.has(id));
            if (runningIds.length === 0) break;
            expect(runningIds.length).toBeLessThanOrEqual(maxRunning);
            const id = runningIds[pick % runningIds.length]!;
            finished.set(id, fail);
            if (fail) gate(id).reject(new Error(`failed ${id}`));
            else gate(id).resolve(id * 10);
            await settle();
          }

          expect(stats().maxInFlight).toBeLessThanOrEqual(maxRunning);
          // Started in the order run() was called.
          expect(started).toEqual(Array.from({ length: started.length }, (_, i) => i));
          expect(started.length).toBeLessThanOrEqual(acceptedCount);
          expect(limit.running).toBe(Math.min(maxRunning, acceptedCount - finished.size));

          // Finish the rest, then check every outcome.
          for (let id = 0; id < acceptedCount; id += 1) {
            if (!finished.has(id)) {
              await settle();
              gate(id).resolve(id * 10);
              finished.set(id, false);
            }
          }
          const settled = await Promise.all(outcomes);
          settled.forEach((outcome, id) => {
            if (id >= acceptedCount) {
              expect(outcome).toMatchObject({ ok: false, error: { code: 'RESOURCE_EXHAUSTED' } });
            } else if (finished.get(id) === true) {
              expect(outcome).toMatchObject({ ok: false, error: { message: `failed ${id}` } });
            } else {
              expect(outcome).toEqual({ ok: true, value: id * 10 });
            }
          });
          expect(limit.running).toBe(0);
          expect(limit.queued).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
