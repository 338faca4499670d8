// Counts over a time range in fixed steps, as charts want them: the step checks every stats
// request shares, and the dense series (zeros included) built from the sums the store returns.
import { invalidArgument } from '../errors.js';

export const MAX_POINTS_PER_SERIES = 2_000;

/** The sum of one series' counts within step number `step` (0 is the step starting at `from`). */
export interface StepCount {
  readonly key: string;
  readonly step: number;
  readonly count: bigint;
}

export interface StepSeries {
  readonly key: string;
  readonly points: { readonly start: Date; readonly count: bigint }[];
}

/**
 * How many steps of `stepSeconds` cover [from, to): INVALID_ARGUMENT (field `step`) unless the
 * step is a whole number of minutes and there are at most MAX_POINTS_PER_SERIES of them.
 */
export function stepsBetween(from: Date, to: Date, stepSeconds: number): number {
  if (!Number.isInteger(stepSeconds) || stepSeconds < 60 || stepSeconds % 60 !== 0) {
    throw invalidArgument('step', 'must be a whole number of minutes, at least one');
  }
  const steps = Math.ceil((to.getTime() - from.getTime()) / (stepSeconds * 1_000));
  if (steps > MAX_POINTS_PER_SERIES) {
    throw invalidArgument('step', `gives ${steps} points between from and to; at most ${MAX_POINTS_PER_SERIES}`);
  }
  return steps;
}

/** One series per key of `rows`, in the order keys first appear, each with all `steps` points. */
export function stepSeries(rows: readonly StepCount[], from: Date, stepSeconds: number, steps: number): StepSeries[] {
  const counts = new Map<string, bigint[]>();
  for (const row of rows) {
    let points = counts.get(row.key);
    if (points === undefined) {
      points = new Array<bigint>(steps).fill(0n);
      counts.set(row.key, points);
    }
    points[row.step] = (points[row.step] ?? 0n) + row.count;
  }
  const stepMs = stepSeconds * 1_000;
  return [...counts].map(([key, points]) => ({
    key,
    points: points.map((count, step) => ({ start: new Date(from.getTime() + step * stepMs), count })),
  }));
}
