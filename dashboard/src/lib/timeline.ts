// The key set's lifecycle timeline as the chart draws it: GetKeyTimeline's intervals clipped to
// the chosen range, one row per key, and the rotation/revocation/activation events as markers.
// Pure and linear in its input, so a key set with hundreds of keys shapes in a few milliseconds;
// it runs on the server and hands the client component plain numbers and strings.

export const RANGE_NAMES = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type RangeName = (typeof RANGE_NAMES)[number];
export const DEFAULT_RANGE: RangeName = 'month';

const DAY_MS = 86_400_000;
export const RANGE_SPANS_MS: Readonly<Record<RangeName, number>> = {
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
  quarter: 91 * DAY_MS,
  year: 365 * DAY_MS,
};

/** The part of a range that lies ahead of now: scheduled transitions stay in view. */
const FUTURE_SHARE = 0.25;

/** `?range=` as the URL has it; anything unknown is the default. */
export function parseRange(value: string | string[] | undefined): RangeName {
  const first = Array.isArray(value) ? value[0] : value;
  return RANGE_NAMES.find((name) => name === first) ?? DEFAULT_RANGE;
}

export interface TimeWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Three quarters of the span before now, one quarter after. */
export function timelineWindow(nowMs: number, range: RangeName): TimeWindow {
  const span = RANGE_SPANS_MS[range];
  const ahead = Math.round(span * FUTURE_SHARE);
  return { fromMs: nowMs + ahead - span, toMs: nowMs + ahead };
}

/** What the shaping reads of GetKeyTimeline (the generated message fits it). */
export interface TimelineInput {
  readonly now: Date | undefined;
  readonly keys: readonly {
    readonly kid: string;
    readonly intervals: readonly {
      readonly state: string;
      readonly start?: Date | undefined;
      readonly end?: Date | undefined;
      readonly scheduled: boolean;
    }[];
  }[];
}

export type MarkerKind = 'rotation' | 'activation' | 'revocation';

export const MARKER_EVENT_TYPES: Readonly<Record<string, MarkerKind>> = {
  'key.rotation_requested': 'rotation',
  'key.activated': 'activation',
  'key.revoked': 'revocation',
};

export interface TimelineEventInput {
  readonly type: string;
  readonly kid: string;
  readonly actor: string;
  readonly createdAt?: Date | undefined;
}

export interface TimelineBar {
  /** Index into `kids`. */
  readonly row: number;
  readonly state: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly scheduled: boolean;
  /** The interval goes on past the window (or has no end at all). */
  readonly clippedEnd: boolean;
  /** The interval began before the window. */
  readonly clippedStart: boolean;
}

export interface TimelineMarker {
  readonly kind: MarkerKind;
  readonly atMs: number;
  readonly kid: string;
  /** Its key's row, when that key has one. */
  readonly row: number | undefined;
  readonly actor: string;
}

export interface TimelineChartData extends TimeWindow {
  readonly nowMs: number;
  readonly range: RangeName;
  /** Row labels, top row first: newest key first. */
  readonly kids: readonly string[];
  readonly bars: readonly TimelineBar[];
  readonly markers: readonly TimelineMarker[];
}

/**
 * Each key's intervals clipped to the window. Intervals are drawn in start order and never
 * overlap within a row (an interval starting before the previous one ended begins where it ended),
 * so the picture stays readable even if the data were inconsistent. Keys with nothing in the
 * window get no row.
 */
export function shapeTimeline(
  timeline: TimelineInput,
  events: readonly TimelineEventInput[],
  range: RangeName,
  fallbackNow: Date = new Date(),
): TimelineChartData {
  const nowMs = (timeline.now ?? fallbackNow).getTime();
  const window = timelineWindow(nowMs, range);
  const kids: string[] = [];
  const bars: TimelineBar[] = [];
  // Newest key on top: the service lists keys oldest first.
  for (let index = timeline.keys.length - 1; index >= 0; index -= 1) {
    const key = timeline.keys[index]!;
    const clipped = clipIntervals(key.intervals, window, kids.length);
    if (clipped.length === 0) continue;
    kids.push(key.kid);
    bars.push(...clipped);
  }
  const rowOf = new Map(kids.map((kid, row) => [kid, row]));
  const markers: TimelineMarker[] = [];
  for (const event of events) {
    const kind = MARKER_EVENT_TYPES[event.type];
    const atMs = event.createdAt?.getTime();
    if (kind === undefined || atMs === undefined || atMs < window.fromMs || atMs > window.toMs) continue;
    markers.push({ kind, atMs, kid: event.kid, row: rowOf.get(event.kid), actor: event.actor });
  }
  markers.sort((a, b) => a.atMs - b.atMs);
  return { ...window, nowMs, range, kids, bars, markers };
}

function clipIntervals(
  intervals: TimelineInput['keys'][number]['intervals'],
  window: TimeWindow,
  row: number,
): TimelineBar[] {
  const ordered = intervals
    .filter((interval) => interval.start !== undefined)
    .sort((a, b) => a.start!.getTime() - b.start!.getTime());
  const bars: TimelineBar[] = [];
  let previousEnd = -Infinity;
  for (const interval of ordered) {
    const start = Math.max(interval.start!.getTime(), previousEnd);
    const end = interval.end?.getTime() ?? Infinity;
    if (end <= start) continue;
    previousEnd = end;
    const startMs = Math.max(start, window.fromMs);
    const endMs = Math.min(end, window.toMs);
    if (endMs <= startMs) continue;
    bars.push({
      row,
      state: interval.state,
      startMs,
      endMs,
      scheduled: interval.scheduled,
      clippedStart: start < window.fromMs,
      clippedEnd: end > window.toMs,
    });
  }
  return bars;
}
