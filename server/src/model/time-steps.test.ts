import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { MAX_POINTS_PER_SERIES, stepSeries, stepsBetween } from './time-steps.js';

const FROM = new Date('2030-01-01T00:00:00Z');
const at = (minutes: number) => new Date(FROM.getTime() + minutes * 60_000);

describe('stepsBetween', () => {
  it('covers the range, a partial last step included', () => {
    expect(stepsBetween(FROM, at(10), 60)).toBe(10);
    expect(stepsBetween(FROM, at(11), 300)).toBe(3);
  });

  it.each([0, 30, 90, 60.5, Number.NaN])('refuses a step of %s seconds', (seconds) => {
    expect(() => stepsBetween(FROM, at(10), seconds)).toThrow(KeywardError);
  });

  it('refuses more points than a series may have', () => {
    expect(stepsBetween(FROM, at(MAX_POINTS_PER_SERIES), 60)).toBe(MAX_POINTS_PER_SERIES);
    expect(() => stepsBetween(FROM, at(MAX_POINTS_PER_SERIES + 1), 60)).toThrow(/at most 2000/);
  });
});

describe('stepSeries', () => {
  it('gives each key every step, zeros included, adding rows of the same step', () => {
    const rows = [
      { key: 'b', step: 1, count: 2n },
      { key: 'a', step: 0, count: 1n },
      { key: 'b', step: 1, count: 3n },
    ];
    expect(stepSeries(rows, FROM, 120, 3)).toEqual([
      {
        key: 'b',
        points: [
          { start: at(0), count: 0n },
          { start: at(2), count: 5n },
          { start: at(4), count: 0n },
        ],
      },
      {
        key: 'a',
        points: [
          { start: at(0), count: 1n },
          { start: at(2), count: 0n },
          { start: at(4), count: 0n },
        ],
      },
    ]);
  });
});
