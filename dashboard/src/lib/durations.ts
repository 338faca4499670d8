// Durations as people type them ("30 days", "5 minutes") and as the API counts them (seconds).

export const DURATION_UNITS = [
  ['days', 86_400],
  ['hours', 3_600],
  ['minutes', 60],
  ['seconds', 1],
] as const;

export type DurationUnit = (typeof DURATION_UNITS)[number][0];

export interface HumanDuration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

const SIZE: Readonly<Record<DurationUnit, number>> = Object.fromEntries(DURATION_UNITS) as Record<DurationUnit, number>;

export function isDurationUnit(value: string): value is DurationUnit {
  return Object.hasOwn(SIZE, value);
}

/** The largest unit that expresses `seconds` exactly: 86400 → 1 day, 90 → 90 seconds. */
export function humanDuration(seconds: number): HumanDuration {
  for (const [unit, size] of DURATION_UNITS) {
    if (seconds !== 0 && seconds % size === 0) return { amount: seconds / size, unit };
  }
  return { amount: seconds, unit: 'seconds' };
}

/** Whole seconds of `amount` `unit`, or undefined when that is not a whole, non-negative number. */
export function secondsOf(amount: string, unit: string): number | undefined {
  if (!isDurationUnit(unit) || !/^\d+(\.\d+)?$/.test(amount.trim())) return undefined;
  const seconds = Number(amount) * SIZE[unit];
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}
