import { describe, expect, it } from 'vitest';
import { humanDuration, secondsOf } from './durations.js';

describe('humanDuration', () => {
  it.each([
    [2_592_000, { amount: 30, unit: 'days' }],
    [3_600, { amount: 1, unit: 'hours' }],
    [5_400, { amount: 90, unit: 'minutes' }],
    [90, { amount: 90, unit: 'seconds' }],
    [0, { amount: 0, unit: 'seconds' }],
  ])('%d seconds is %j', (seconds, expected) => {
    expect(humanDuration(seconds)).toEqual(expected);
  });

  it('round-trips through secondsOf', () => {
    for (const seconds of [1, 59, 60, 61, 3_600, 86_399, 86_400, 2_147_483_647]) {
      const { amount, unit } = humanDuration(seconds);
      expect(secondsOf(String(amount), unit)).toBe(seconds);
    }
  });
});

describe('secondsOf', () => {
  it('reads whole amounts, and fractions that come to whole seconds', () => {
    expect(secondsOf('30', 'days')).toBe(2_592_000);
    expect(secondsOf(' 1.5 ', 'hours')).toBe(5_400);
  });

  it.each([
    ['', 'days'],
    ['-1', 'days'],
    ['1e3', 'seconds'],
    ['abc', 'hours'],
    ['1.5', 'seconds'],
    ['1', 'fortnights'],
  ])('refuses %j %s', (amount, unit) => {
    expect(secondsOf(amount, unit)).toBeUndefined();
  });
});
