import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseRange,
  RANGE_NAMES,
  RANGE_SPANS_MS,
  shapeTimeline,
  timelineWindow,
  type TimelineEventInput,
  type TimelineInput,
} from './timeline.js';

const NOW = new Date('2030-03-01T00:00:00Z');
const HOUR = 3_600_000;
const at = (hoursFromNow: number) => new Date(NOW.getTime() + hoursFromNow * HOUR);

describe('parseRange', () => {
  it('reads the presets and falls back to a month', () => {
    expect(parseRange('week')).toBe('week');
    expect(parseRange(['year', 'day'])).toBe('year');
    expect(parseRange(undefined)).toBe('month');
    expect(parseRange('decade')).toBe('month');
  });
});

describe('timelineWindow', () => {
  it('spans the preset with a quarter of it ahead of now', () => {
    const window = timelineWindow(NOW.getTime(), 'day');
    expect(window.toMs - window.fromMs).toBe(RANGE_SPANS_MS.day);
    expect(window.toMs - NOW.getTime()).toBe(6 * HOUR);
  });
});

describe('shapeTimeline', () => {
  const timeline: TimelineInput = {
    now: NOW,
    keys: [
      {
        kid: 'old',
        intervals: [
          { state: 'active', start: at(-200), end: at(-10), scheduled: false },
          { state: 'retired', start: at(-10), end: at(2), scheduled: false },
          { state: 'expired', start: at(2), end: undefined, scheduled: true },
        ],
      },
      { kid: 'ancient', intervals: [{ state: 'destroyed', start: at(-900), end: at(-800), scheduled: false }] },
      {
        kid: 'new',
        intervals: [
          { state: 'pending', start: at(-12), end: at(-10), scheduled: false },
          { state: 'active', start: at(-10), end: undefined, scheduled: false },
        ],
      },
    ],
  };
  const events: TimelineEventInput[] = [
    { type: 'key.rotation_requested', kid: 'new', actor: 'user:alice', createdAt: at(-12) },
    { type: 'key.activated', kid: 'new', actor: 'scheduler', createdAt: at(-10) },
    { type: 'key.published', kid: 'new', actor: 'scheduler', createdAt: at(-12) },
    { type: 'key.revoked', kid: 'ancient', actor: 'user:bob', createdAt: at(-800) },
  ];

  it('gives each key in the window a row, newest first, its intervals clipped', () => {
    const data = shapeTimeline(timeline, events, 'day');
    expect(data.kids).toEqual(['new', 'old']);
    expect(data.nowMs).toBe(NOW.getTime());
    const window = timelineWindow(NOW.getTime(), 'day');
    expect(data.bars).toEqual([
      {
        row: 0,
        state: 'pending',
        startMs: at(-12).getTime(),
        endMs: at(-10).getTime(),
        scheduled: false,
        clippedStart: false,
        clippedEnd: false,
      },
      {
        row: 0,
        state: 'active',
        startMs: at(-10).getTime(),
        endMs: window.toMs,
        scheduled: false,
        clippedStart: false,
        clippedEnd: true,
      },
      {
        row: 1,
        state: 'active',
        startMs: window.fromMs,
        endMs: at(-10).getTime(),
        scheduled: false,
        clippedStart: true,
        clippedEnd: false,
      },
      {
        row: 1,
        state: 'retired',
        startMs: at(-10).getTime(),
        endMs: at(2).getTime(),
        scheduled: false,
        clippedStart: false,
        clippedEnd: false,
      },
      {
        row: 1,
        state: 'expired',
        startMs: at(2).getTime(),
        endMs: window.toMs,
        scheduled: true,
        clippedStart: false,
        clippedEnd: true,
      },
    ]);
  });

  it('keeps rotation, activation and revocation events in the window as markers', () => {
    expect(shapeTimeline(timeline, events, 'day').markers).toEqual([
      { kind: 'rotation', atMs: at(-12).getTime(), kid: 'new', row: 0, actor: 'user:alice' },
      { kind: 'activation', atMs: at(-10).getTime(), kid: 'new', row: 0, actor: 'scheduler' },
    ]);
    const year = shapeTimeline(timeline, events, 'year');
    expect(year.kids).toEqual(['new', 'ancient', 'old']);
    expect(year.markers.map((marker) => [marker.kind, marker.row])).toEqual([
      ['revocation', 1],
      ['rotation', 0],
      ['activation', 0],
    ]);
  });

  const instant = fc.integer({ min: -2_000, max: 2_000 }).map((hours) => at(hours));
  const interval = fc.record({
    state: fc.constantFrom('pending', 'active', 'retired', 'expired'),
    start: fc.option(instant, { nil: undefined }),
    end: fc.option(instant, { nil: undefined }),
    scheduled: fc.boolean(),
  });
  const timelines = fc.record({
    now: fc.constant(NOW),
    keys: fc.array(fc.record({ kid: fc.uuid(), intervals: fc.array(interval, { maxLength: 6 }) }), { maxLength: 8 }),
  });

  it('never draws overlapping bars in a row, nor outside the window, whatever the intervals', () => {
    fc.assert(
      fc.property(timelines, fc.constantFrom(...RANGE_NAMES), (input, range) => {
        const data = shapeTimeline(input, [], range);
        const window = timelineWindow(NOW.getTime(), range);
        for (const bar of data.bars) {
          expect(bar.startMs).toBeGreaterThanOrEqual(window.fromMs);
          expect(bar.endMs).toBeLessThanOrEqual(window.toMs);
          expect(bar.endMs).toBeGreaterThan(bar.startMs);
          expect(bar.row).toBeLessThan(data.kids.length);
        }
        for (let row = 0; row < data.kids.length; row += 1) {
          const inRow = data.bars.filter((bar) => bar.row === row);
          expect(inRow.length).toBeGreaterThan(0);
          for (let i = 1; i < inRow.length; i += 1)
            expect(inRow[i]!.startMs).toBeGreaterThanOrEqual(inRow[i - 1]!.endMs);
        }
      }),
    );
  });

  it('shapes 200 keys with a year of intervals quickly (linear work)', () => {
    const many: TimelineInput = {
      now: NOW,
      keys: Array.from({ length: 200 }, (_, n) => ({
        kid: `kid-${n}`,
        intervals: [
          { state: 'pending', start: at(-n * 40 - 20), end: at(-n * 40), scheduled: false },
          { state: 'active', start: at(-n * 40), end: at(-n * 40 + 40), scheduled: false },
          { state: 'retired', start: at(-n * 40 + 40), end: at(-n * 40 + 200), scheduled: n < 5 },
          { state: 'expired', start: at(-n * 40 + 200), end: undefined, scheduled: n < 5 },
        ],
      })),
    };
    const started = performance.now();
    const data = shapeTimeline(many, [], 'year');
    expect(performance.now() - started).toBeLessThan(100);
    expect(data.kids.length).toBe(200);
  });
});
