import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { failingSpike, SPIKE_FACTOR, SPIKE_MIN_FAILURES } from './failure-spike.js';

const day = (fill: number, lastHour: number[]) => [...new Array<number>(92).fill(fill), ...lastHour];

describe('failingSpike', () => {
  it('is a spike when the last hour has enough failures and far more than the hours before', () => {
    expect(failingSpike(day(0, [0, 0, 0, 10]), 900)).toEqual({ lastHour: 10, baselinePerHour: 0, spiking: true });
    // 23 hours of 4 an hour: a baseline of 4, so 20 is a spike and 19 is not.
    expect(failingSpike(day(1, [5, 5, 5, 5]), 900)).toMatchObject({ baselinePerHour: 4, spiking: true });
    expect(failingSpike(day(1, [5, 5, 5, 4]), 900)).toMatchObject({ lastHour: 19, spiking: false });
  });

  it('is never a spike below the minimum, however quiet the day was', () => {
    expect(failingSpike(day(0, [9, 0, 0, 0]), 900).spiking).toBe(false);
  });

  it('holds its rule for any counts and steps that divide an hour', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(1_000), { maxLength: 300 }),
        fc.constantFrom(60, 300, 600, 900, 1_800, 3_600),
        (totals, step) => {
          const verdict = failingSpike(totals, step);
          const recent = totals.slice(-(3_600 / step));
          expect(verdict.lastHour).toBe(recent.reduce((a, b) => a + b, 0));
          expect(verdict.spiking).toBe(
            verdict.lastHour >= SPIKE_MIN_FAILURES && verdict.lastHour >= SPIKE_FACTOR * verdict.baselinePerHour,
          );
        },
      ),
    );
  });
});
