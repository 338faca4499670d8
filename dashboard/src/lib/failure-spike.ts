// A failing spike: the last hour far above the day before it. One rule, said on screen as it is
// applied here.

/** Fewer failures than this in an hour are never a spike, whatever the baseline. */
export const SPIKE_MIN_FAILURES = 10;
/** How many times the hourly average of the hours before the last hour must be exceeded. */
export const SPIKE_FACTOR = 5;

export const SPIKE_RULE =
  `a failing spike is at least ${SPIKE_MIN_FAILURES} failures in the last hour, and at least ` +
  `${SPIKE_FACTOR} times the hourly average of the hours before it`;

export interface SpikeVerdict {
  readonly lastHour: number;
  /** The average per hour over the steps before the last hour (0 when there are none). */
  readonly baselinePerHour: number;
  readonly spiking: boolean;
}

/**
 * `totals` are failures per step of `stepSeconds`, oldest first, the last step ending now. The
 * last hour is the last 3600 / stepSeconds steps (at least one step).
 */
export function failingSpike(totals: readonly number[], stepSeconds: number): SpikeVerdict {
  const perHour = Math.max(1, Math.floor(3_600 / stepSeconds));
  const recent = totals.slice(-perHour);
  const before = totals.slice(0, Math.max(0, totals.length - perHour));
  const lastHour = recent.reduce((sum, value) => sum + value, 0);
  const beforeHours = (before.length * stepSeconds) / 3_600;
  const baselinePerHour = beforeHours === 0 ? 0 : before.reduce((sum, value) => sum + value, 0) / beforeHours;
  return {
    lastHour,
    baselinePerHour,
    spiking: lastHour >= SPIKE_MIN_FAILURES && lastHour >= SPIKE_FACTOR * baselinePerHour,
  };
}
