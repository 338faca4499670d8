// What the failures screen reads: stats over a range, the diagnosis of each failing kid, and the
// kids and clients behind one step. Through the session's own permissions.
import 'server-only';
import {
  StatsGroupBy,
  type DiagnoseVerificationFailuresResponse,
  type GetVerificationStatsResponse,
} from '@keyward/proto/keyward/v1';
import type { Grouping } from './failure-range';
import { windowCounts } from './failure-series';
import { callAsStaff } from './session';

export const GROUP_BY: Readonly<Record<Grouping, StatsGroupBy>> = {
  reason: StatsGroupBy.STATS_GROUP_BY_REASON,
  kid: StatsGroupBy.STATS_GROUP_BY_KID,
  client: StatsGroupBy.STATS_GROUP_BY_CLIENT,
};

export interface StatsRange {
  readonly keySet: string;
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
}

export function verificationStats(range: StatsRange, group: Grouping): Promise<GetVerificationStatsResponse> {
  const { keySet, from, to, stepSeconds } = range;
  return callAsStaff('getVerificationStats', {
    keySet,
    from,
    to,
    step: { seconds: String(stepSeconds), nanos: 0 },
    groupBy: GROUP_BY[group],
  });
}

export function diagnosis(keySet: string, from: Date, to: Date): Promise<DiagnoseVerificationFailuresResponse> {
  return callAsStaff('diagnoseVerificationFailures', { keySet, from, to });
}

export interface StepBreakdown {
  readonly from: Date;
  readonly to: Date;
  readonly kids: { key: string; count: number }[];
  readonly clients: { key: string; count: number }[];
}

/** The kids and the reporting clients behind the failures of [at, at + step). */
export async function stepBreakdown(keySet: string, at: Date, stepSeconds: number): Promise<StepBreakdown> {
  const range = { keySet, from: at, to: new Date(at.getTime() + stepSeconds * 1_000), stepSeconds };
  const [kids, clients] = await Promise.all([verificationStats(range, 'kid'), verificationStats(range, 'client')]);
  return { from: range.from, to: range.to, kids: windowCounts(kids), clients: windowCounts(clients) };
}
