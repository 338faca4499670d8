// The failures screen's time range and grouping, read from the address bar. The search params are
// untrusted input: whatever they hold, the result is a usable range (from before to, whole minutes,
// at most MAX_STEPS steps) and a grouping, plus the problems found, to be shown to the user.

export const RANGE_PRESETS = {
  '1h': 3_600,
  '6h': 6 * 3_600,
  '24h': 24 * 3_600,
  '7d': 7 * 86_400,
  '30d': 30 * 86_400,
} as const;

export type RangePreset = keyof typeof RANGE_PRESETS;
export const DEFAULT_PRESET: RangePreset = '24h';

export const GROUPINGS = ['reason', 'kid', 'client'] as const;
export type Grouping = (typeof GROUPINGS)[number];

/** GetVerificationStats answers at most this many steps. */
export const MAX_STEPS = 2_000;
/** Steps a chart reads well with: the step is the smallest candidate giving no more than this. */
export const TARGET_STEPS = 200;
/** A custom range longer than this is shortened (to end at its `to`). */
export const MAX_RANGE_SECONDS = 400 * 86_400;

const MINUTE_MS = 60_000;
// Each divides a day, so epoch-aligned steps line up with the minute buckets and with midnight UTC.
const STEP_CANDIDATES = [60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200, 86_400];

export interface FailureQuery {
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
  /** The preset the range follows ("the last 24 hours"); undefined for an explicit from/to. */
  readonly preset: RangePreset | undefined;
  readonly group: Grouping;
  /** The start of the step to drill into, if one was asked for. */
  readonly at: Date | undefined;
  /** What was wrong with the search params, in words; the query falls back to defaults. */
  readonly problems: readonly string[];
}

export type SearchParams = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The smallest step (whole minutes) giving at most TARGET_STEPS steps over `rangeMs`. */
export function stepFor(rangeMs: number): number {
  const fitting = STEP_CANDIDATES.find((seconds) => Math.ceil(rangeMs / (seconds * 1_000)) <= TARGET_STEPS);
  return fitting ?? Math.ceil(rangeMs / TARGET_STEPS / MINUTE_MS) * 60;
}

function first(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}

function isPreset(value: string): value is RangePreset {
  return Object.hasOwn(RANGE_PRESETS, value);
}

function isGrouping(value: string): value is Grouping {
  return (GROUPINGS as readonly string[]).includes(value);
}

/** A date from an ISO 8601 string, or undefined when it is none (or out of the Date range). */
export function parseInstant(raw: string | undefined): Date | undefined {
  if (raw === undefined || !/^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(raw)) return undefined;
  const at = new Date(raw);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

const floorTo = (ms: number, unit: number) => Math.floor(ms / unit) * unit;
const ceilTo = (ms: number, unit: number) => Math.ceil(ms / unit) * unit;

/** The last `preset`, its end rounded up to a whole step so that steps line up between visits. */
export function presetRange(preset: RangePreset, now: Date): { from: Date; to: Date; stepSeconds: number } {
  const rangeMs = RANGE_PRESETS[preset] * 1_000;
  const stepSeconds = stepFor(rangeMs);
  const to = ceilTo(now.getTime() + 1, stepSeconds * 1_000);
  return { from: new Date(to - rangeMs), to: new Date(to), stepSeconds };
}

export function parseFailureQuery(params: SearchParams, now: Date): FailureQuery {
  const problems: string[] = [];

  const rawGroup = first(params.group);
  let group: Grouping = 'reason';
  if (rawGroup !== undefined && rawGroup !== '') {
    if (isGrouping(rawGroup)) group = rawGroup;
    else problems.push(`“${rawGroup}” is not a grouping (reason, kid or client): grouped by reason.`);
  }

  const range = rangeOf(params, now, problems);

  const rawAt = first(params.at);
  let at: Date | undefined;
  if (rawAt !== undefined && rawAt !== '') {
    at = parseInstant(rawAt);
    if (at === undefined)
      problems.push(`“${rawAt}” is not a time (ISO 8601, e.g. 2030-01-01T12:00:00Z): no drill-down.`);
    else at = new Date(floorTo(at.getTime(), MINUTE_MS));
  }
  return { ...range, group, at, problems };
}

function rangeOf(params: SearchParams, now: Date, problems: string[]): Omit<FailureQuery, 'group' | 'at' | 'problems'> {
  const rawFrom = first(params.from);
  const rawTo = first(params.to);
  const rawRange = first(params.range);
  const fallback = () => ({ ...presetRange(DEFAULT_PRESET, now), preset: DEFAULT_PRESET });

  if ((rawFrom ?? '') !== '' || (rawTo ?? '') !== '') {
    const from = parseInstant(rawFrom);
    const to = rawTo === undefined || rawTo === '' ? now : parseInstant(rawTo);
    if (from === undefined || to === undefined) {
      problems.push('From and to must be times in ISO 8601 (e.g. 2030-01-01T12:00:00Z): showing the last 24 hours.');
      return fallback();
    }
    const toMs = ceilTo(to.getTime(), MINUTE_MS);
    let fromMs = floorTo(from.getTime(), MINUTE_MS);
    if (fromMs >= toMs) {
      problems.push('From must be before to: showing the last 24 hours.');
      return fallback();
    }
    if (toMs - fromMs > MAX_RANGE_SECONDS * 1_000) {
      problems.push(`A range spans at most ${MAX_RANGE_SECONDS / 86_400} days: shortened to end at its “to”.`);
      fromMs = toMs - MAX_RANGE_SECONDS * 1_000;
    }
    // Dates this far out are outside what Date can hold once shifted: refuse them rather than wrap.
    if (!Number.isFinite(new Date(fromMs).getTime()) || !Number.isFinite(new Date(toMs).getTime())) {
      problems.push('That range lies outside the dates this screen can show: showing the last 24 hours.');
      return fallback();
    }
    return { from: new Date(fromMs), to: new Date(toMs), stepSeconds: stepFor(toMs - fromMs), preset: undefined };
  }

  if (rawRange !== undefined && rawRange !== '') {
    if (isPreset(rawRange)) return { ...presetRange(rawRange, now), preset: rawRange };
    problems.push(
      `“${rawRange}” is not a range (${Object.keys(RANGE_PRESETS).join(', ')}): showing the last 24 hours.`,
    );
  }
  return fallback();
}

/** Whatever selects the range, grouping and step of a failures URL. */
export interface FailureLink {
  readonly preset: RangePreset | undefined;
  readonly from: Date;
  readonly to: Date;
  readonly group: Grouping;
  readonly at?: Date | undefined;
}

/** The search string ("?range=24h&group=kid") that reproduces `link`. */
export function failureSearch(link: FailureLink): string {
  const params = new URLSearchParams();
  if (link.preset !== undefined) params.set('range', link.preset);
  else {
    params.set('from', link.from.toISOString());
    params.set('to', link.to.toISOString());
  }
  params.set('group', link.group);
  if (link.at !== undefined) params.set('at', link.at.toISOString());
  return `?${params.toString()}`;
}

/** The failures page of `keySet` for `link`. */
export function failuresHref(keySet: string, link: FailureLink): string {
  return `/key-sets/${encodeURIComponent(keySet)}/failures${failureSearch(link)}`;
}
