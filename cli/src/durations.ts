// Durations on the command line: a whole number and one unit, `90s`, `10m`, `2h`, `30d`.
// Printed back the same way, in the largest unit that divides them exactly (`86400` s is `1d`).

import type { KeySetPolicy } from '@keyward/proto/keyward/v1';
import { UsageError } from './failure.js';

/** google.protobuf.Duration as ts-proto generates it (the package exports only keyward.v1). */
export type Duration = NonNullable<KeySetPolicy['rotationPeriod']>;

const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

/** google.protobuf.Duration's own limit: 10,000 years. */
export const MAX_DURATION_SECONDS = 315_576_000_000;

export const DURATION_HINT = 'a whole number followed by s, m, h or d, e.g. 90s, 10m, 2h, 30d';

const PATTERN = /^(\d{1,15})([smhd])$/;

/** Whole seconds; anything else (`1.5h`, `-1m`, `10`, `1h30m`, garbage) is a UsageError. */
export function parseDuration(text: string, option: string): number {
  const match = PATTERN.exec(text.trim());
  if (match === null) {
    throw new UsageError(`${option}: "${clip(text)}" is not a duration (${DURATION_HINT})`);
  }
  const unit = UNITS.find(([symbol]) => symbol === match[2]);
  const seconds = Number(match[1]) * (unit?.[1] ?? 1);
  if (seconds > MAX_DURATION_SECONDS) {
    throw new UsageError(`${option}: "${clip(text)}" is longer than 10,000 years`);
  }
  return seconds;
}

/** Whole seconds (0 or more) as the shortest exact text: 90 → "90s", 600 → "10m", 172800 → "2d". */
export function formatDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0) throw new RangeError(`not a whole number of seconds: ${seconds}`);
  for (const [symbol, size] of UNITS) {
    if (seconds !== 0 && seconds % size === 0) return `${seconds / size}${symbol}`;
  }
  return '0s';
}

export function toProtoDuration(seconds: number): Duration {
  return { seconds: String(seconds), nanos: 0 };
}

/** A Duration from the service, for people: "30d", "1.5s"; "-" when unset. */
export function describeDuration(duration: Duration | undefined): string {
  if (duration === undefined) return '-';
  const seconds = Number(duration.seconds);
  if (duration.nanos === 0 && Number.isSafeInteger(seconds) && seconds >= 0) return formatDuration(seconds);
  const fraction = String(Math.abs(duration.nanos)).padStart(9, '0').replace(/0+$/, '');
  const sign = seconds < 0 || duration.nanos < 0 ? '-' : '';
  return `${sign}${Math.abs(seconds)}${fraction === '' ? '' : `.${fraction}`}s`;
}

/** Quoting a bad value back is useful; quoting a whole pasted document is not. */
function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
