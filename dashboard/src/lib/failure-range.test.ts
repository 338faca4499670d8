import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  failureSearch,
  MAX_STEPS,
  parseFailureQuery,
  RANGE_PRESETS,
  stepFor,
  type FailureQuery,
} from './failure-range.js';

const NOW = new Date('2030-06-15T10:07:30Z');
const HOUR = 3_600_000;

function expectUsable(query: FailureQuery): void {
  const from = query.from.getTime();
  const to = query.to.getTime();
  expect(Number.isFinite(from) && Number.isFinite(to)).toBe(true);
  expect(from).toBeLessThan(to);
  expect(Number.isInteger(query.stepSeconds / 60)).toBe(true);
  expect(query.stepSeconds).toBeGreaterThanOrEqual(60);
  expect(Math.ceil((to - from) / (query.stepSeconds * 1_000))).toBeLessThanOrEqual(MAX_STEPS);
  if (query.at !== undefined) expect(Number.isFinite(query.at.getTime())).toBe(true);
}

describe('parseFailureQuery', () => {
  it('never throws and always yields a usable range with at most 2000 steps, whatever the params', () => {
    const isoish = fc.oneof(
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
      fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15), noInvalidDate: true }).map((d) => d.toISOString()),
      fc.constantFrom(
        '',
        '2030-01-01',
        '0000-01-01T00:00:00Z',
        '9999-12-31T23:59:59.999Z',
        'nope',
        '2030-13-45T99:99Z',
      ),
      fc.string(),
    );
    const value = fc.oneof(
      isoish,
      fc.constantFrom(...Object.keys(RANGE_PRESETS), 'reason', 'kid', 'client', '1y', '__proto__', 'constructor'),
      fc.array(isoish, { maxLength: 3 }),
    );
    const params = fc.dictionary(fc.constantFrom('range', 'from', 'to', 'group', 'at', 'other'), value, {
      maxKeys: 6,
    });
    fc.assert(
      fc.property(params, fc.date({ min: new Date('1971-01-01'), max: new Date('2200-01-01') }), (raw, now) => {
        if (Number.isNaN(now.getTime())) return;
        expectUsable(parseFailureQuery(raw, now));
      }),
      { numRuns: 3_000 },
    );
  });

  it('reads each preset as the last stretch of that length, ending at a whole step after now', () => {
    for (const [preset, seconds] of Object.entries(RANGE_PRESETS)) {
      const query = parseFailureQuery({ range: preset }, NOW);
      expect(query.preset).toBe(preset);
      expect(query.to.getTime() - query.from.getTime()).toBe(seconds * 1_000);
      expect(query.to.getTime()).toBeGreaterThan(NOW.getTime());
      expect(query.to.getTime() % (query.stepSeconds * 1_000)).toBe(0);
      expect(query.problems).toEqual([]);
    }
    expect(parseFailureQuery({ range: '24h' }, NOW)).toMatchObject({
      from: new Date('2030-06-14T10:10:00Z'),
      to: new Date('2030-06-15T10:10:00Z'),
      stepSeconds: 600,
    });
  });

  it('defaults to the last 24 hours grouped by reason, and says what it could not read', () => {
    expect(parseFailureQuery({}, NOW)).toMatchObject({ preset: '24h', group: 'reason', at: undefined, problems: [] });
    const bad = parseFailureQuery({ range: '1y', group: 'colour', at: 'yesterday' }, NOW);
    expect(bad).toMatchObject({ preset: '24h', group: 'reason', at: undefined });
    expect(bad.problems).toEqual([
      '“colour” is not a grouping (reason, kid or client): grouped by reason.',
      '“1y” is not a range (1h, 6h, 24h, 7d, 30d): showing the last 24 hours.',
      '“yesterday” is not a time (ISO 8601, e.g. 2030-01-01T12:00:00Z): no drill-down.',
    ]);
    expect(parseFailureQuery({ from: '2030-06-15T00:00:00Z', to: '2030-06-14T00:00:00Z' }, NOW).problems).toEqual([
      'From must be before to: showing the last 24 hours.',
    ]);
  });

  it('takes an explicit range to whole minutes, with a step that fits it', () => {
    const query = parseFailureQuery(
      { from: '2030-06-01T00:00:30Z', to: '2030-06-01T06:00:10Z', group: 'client', at: '2030-06-01T01:02:03Z' },
      NOW,
    );
    expect(query).toMatchObject({
      from: new Date('2030-06-01T00:00:00Z'),
      to: new Date('2030-06-01T06:01:00Z'),
      stepSeconds: 120,
      preset: undefined,
      group: 'client',
      at: new Date('2030-06-01T01:02:00Z'),
      problems: [],
    });
    // No `to`: up to now.
    expect(parseFailureQuery({ from: '2030-06-15T09:00:00Z' }, NOW).to).toEqual(new Date('2030-06-15T10:08:00Z'));
  });

  it('round-trips through the search string it builds', () => {
    for (const params of [
      { range: '7d', group: 'kid' },
      { from: '2030-06-01T00:00:00Z', to: '2030-06-02T00:00:00Z' },
    ]) {
      const query = parseFailureQuery(params, NOW);
      const again = parseFailureQuery(Object.fromEntries(new URLSearchParams(failureSearch(query))), NOW);
      expect(again).toEqual(query);
    }
  });
});

describe('stepFor', () => {
  it('picks a step giving at most 200 points, down to one minute', () => {
    expect(stepFor(HOUR)).toBe(60);
    expect(stepFor(6 * HOUR)).toBe(120);
    expect(stepFor(7 * 24 * HOUR)).toBe(3_600);
    expect(stepFor(30 * 24 * HOUR)).toBe(21_600);
    expect(stepFor(1_000 * 24 * HOUR)).toBe(5 * 86_400);
  });
});
