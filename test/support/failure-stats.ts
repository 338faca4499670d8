// Totals of GetVerificationStats over a few minutes, per series: what a test of reported failures
// compares, without caring in which minute each landed.
import type { StatsGroupBy } from '@keyward/proto/keyward/v1';
import type { KeyServiceRpcs } from './keyward.js';

/** The start of the minute before now: a range from here holds whatever is reported next. */
export function lastMinute(): Date {
  return new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);
}

/** Series key → count, over five minutes from `from`, one-minute steps. */
export async function failureTotals(
  rpc: KeyServiceRpcs,
  keySet: string,
  from: Date,
  groupBy: StatsGroupBy,
): Promise<Record<string, number>> {
  const stats = await rpc.getVerificationStats({
    keySet,
    from,
    to: new Date(from.getTime() + 5 * 60_000),
    step: { seconds: '60', nanos: 0 },
    groupBy,
  });
  return Object.fromEntries(
    stats.series.map((series) => [series.key, series.points.reduce((sum, point) => sum + Number(point.count), 0)]),
  );
}
