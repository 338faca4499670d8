// GetVerificationStats' answer shaped for a chart and its table: one value per step for each
// series, totals per step, and the lifecycle events as markers. Plain data (numbers and strings),
// so that it can go from a server component to the client component that draws it.
import type { Event, GetVerificationStatsResponse } from '@keyward/proto/keyward/v1';

export interface StackedSeries {
  /** The series' key as the API gives it: a reason (UNKNOWN_KID), a kid, or a client. */
  readonly name: string;
  /** One count per step, zeros included. */
  readonly values: readonly number[];
  readonly total: number;
}

export interface LifecycleMarker {
  /** Milliseconds since the epoch. */
  readonly at: number;
  readonly kid: string;
  /** published, activated, retired, expired or revoked. */
  readonly type: string;
  readonly label: string;
}

export interface FailureSeries {
  /** Start of each step, milliseconds since the epoch. */
  readonly stepStarts: readonly number[];
  readonly stepSeconds: number;
  /** Most failures first (ties by name). */
  readonly series: readonly StackedSeries[];
  /** All series added up, per step. */
  readonly totals: readonly number[];
  readonly markers: readonly LifecycleMarker[];
}

export interface StepRow {
  readonly start: number;
  /** Per series, in the order of FailureSeries.series. */
  readonly values: readonly number[];
  readonly total: number;
}

/** "abcdefgh…" for a long kid, the kid itself when short. */
export function shortKid(kid: string, length = 8): string {
  return kid.length <= length + 1 ? kid : `${kid.slice(0, length)}…`;
}

/** One marker per lifecycle event: "activated abcdefgh…". */
export function lifecycleMarkers(events: readonly Event[]): LifecycleMarker[] {
  return events
    .filter((event) => event.createdAt !== undefined)
    .map((event) => {
      const type = event.type.replace(/^key\./, '');
      return { at: event.createdAt!.getTime(), kid: event.kid, type, label: `${type} ${shortKid(event.kid)}` };
    });
}

/**
 * The stats over [from, from + steps × step) as stacked series. A point whose start falls outside
 * the steps is left out (the API gives none such); counts beyond 2^53 lose precision, harmlessly.
 */
export function stackedSeries(
  response: Pick<GetVerificationStatsResponse, 'series' | 'lifecycleEvents'>,
  from: Date,
  to: Date,
  stepSeconds: number,
): FailureSeries {
  const stepMs = stepSeconds * 1_000;
  const steps = Math.max(0, Math.ceil((to.getTime() - from.getTime()) / stepMs));
  const stepStarts = Array.from({ length: steps }, (_, index) => from.getTime() + index * stepMs);
  const series = response.series.map(({ key, points }) => {
    const values = new Array<number>(steps).fill(0);
    for (const point of points) {
      if (point.start === undefined) continue;
      const index = Math.round((point.start.getTime() - from.getTime()) / stepMs);
      if (index >= 0 && index < steps) values[index]! += Number(point.count);
    }
    return { name: key, values, total: values.reduce((sum, value) => sum + value, 0) };
  });
  series.sort((a, b) => b.total - a.total || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const totals = stepStarts.map((_, index) => series.reduce((sum, { values }) => sum + values[index]!, 0));
  return { stepStarts, stepSeconds, series, totals, markers: lifecycleMarkers(response.lifecycleEvents) };
}

/** The steps with any failure, oldest first: the chart's data as table rows. */
export function nonZeroSteps(data: FailureSeries): StepRow[] {
  return data.stepStarts.flatMap((start, index) =>
    data.totals[index] === 0
      ? []
      : [{ start, values: data.series.map(({ values }) => values[index]!), total: data.totals[index]! }],
  );
}

/** Counts of one window by key, most first (series with none left out). */
export function windowCounts(response: Pick<GetVerificationStatsResponse, 'series'>): { key: string; count: number }[] {
  return response.series
    .map(({ key, points }) => ({ key, count: points.reduce((sum, point) => sum + Number(point.count), 0) }))
    .filter(({ count }) => count > 0)
    .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1));
}
