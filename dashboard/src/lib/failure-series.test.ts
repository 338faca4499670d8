import type { Event, StatsSeries } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { lifecycleMarkers, nonZeroSteps, shortKid, stackedSeries, windowCounts } from './failure-series.js';

const FROM = new Date('2030-01-01T00:00:00Z');
const TO = new Date('2030-01-01T01:00:00Z');
const STEP = 900;
const at = (minutes: number) => new Date(FROM.getTime() + minutes * 60_000);

function series(key: string, counts: number[]): StatsSeries {
  return { key, points: counts.map((count, index) => ({ start: at(index * 15), count: String(count) })) };
}

function event(type: string, kid: string, minutes: number): Event {
  return {
    id: '1',
    keySet: 'orders',
    kid,
    type,
    actor: 'scheduler',
    reason: '',
    beforeJson: '',
    afterJson: '',
    createdAt: at(minutes),
    outcome: 'applied',
  };
}

describe('stackedSeries', () => {
  it('lines each series up on the steps, most failures first, with totals and markers', () => {
    const data = stackedSeries(
      {
        series: [series('BAD_SIGNATURE', [0, 1, 0, 0]), series('UNKNOWN_KID', [0, 5, 0, 2])],
        lifecycleEvents: [event('key.activated', 'kid-of-some-length', 20)],
      },
      FROM,
      TO,
      STEP,
    );
    expect(data.stepStarts).toEqual([0, 15, 30, 45].map((m) => at(m).getTime()));
    expect(data.series.map(({ name, values, total }) => [name, values, total])).toEqual([
      ['UNKNOWN_KID', [0, 5, 0, 2], 7],
      ['BAD_SIGNATURE', [0, 1, 0, 0], 1],
    ]);
    expect(data.totals).toEqual([0, 6, 0, 2]);
    expect(data.markers).toEqual([
      { at: at(20).getTime(), kid: 'kid-of-some-length', type: 'activated', label: 'activated kid-of-s…' },
    ]);
    expect(nonZeroSteps(data)).toEqual([
      { start: at(15).getTime(), values: [5, 1], total: 6 },
      { start: at(45).getTime(), values: [2, 0], total: 2 },
    ]);
  });

  it('keeps the steps when nothing failed, and drops points outside them', () => {
    const data = stackedSeries(
      {
        series: [
          {
            key: 'x',
            points: [
              { start: at(-15), count: '9' },
              { start: at(60), count: '9' },
            ],
          },
        ],
        lifecycleEvents: [],
      },
      FROM,
      TO,
      STEP,
    );
    expect(data.stepStarts).toHaveLength(4);
    expect(data.totals).toEqual([0, 0, 0, 0]);
    expect(nonZeroSteps(data)).toEqual([]);
  });
});

describe('windowCounts', () => {
  it('adds up each key over the window, most first, leaving out zeros', () => {
    expect(windowCounts({ series: [series('a', [1, 1]), series('b', [3]), series('c', [0])] })).toEqual([
      { key: 'b', count: 3 },
      { key: 'a', count: 2 },
    ]);
  });
});

describe('shortKid and lifecycleMarkers', () => {
  it('shortens long kids only, and leaves out events without a time', () => {
    expect(shortKid('abc')).toBe('abc');
    expect(shortKid('abcdefghijk')).toBe('abcdefgh…');
    expect(lifecycleMarkers([{ ...event('key.revoked', 'k', 0), createdAt: undefined }])).toEqual([]);
  });
});
