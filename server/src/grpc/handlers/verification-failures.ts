import {
  StatsGroupBy,
  type GetVerificationStatsRequest,
  type GetVerificationStatsResponse,
  type ReportVerificationFailuresRequest,
  type ReportVerificationFailuresResponse,
} from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import { validateKeySetName } from '../../model/names.js';
import type { StatsGroup } from '../../model/verification-failures.js';
import { acceptFailureReport, type FailureIntake } from '../../reports/failure-reports.js';
import { verificationStats } from '../../reports/verification-stats.js';
import type { KeyManager } from '../../service/key-manager.js';
import type { FailureStore } from '../../store/failure-store.js';
import { stepSecondsFromWire, toWireSeries } from '../messages.js';
import { verifyReasonFromWire } from '../verify-reason-messages.js';
import { toWireEvent } from './list-events.js';

export function reportVerificationFailures(
  intake: FailureIntake,
  request: ReportVerificationFailuresRequest,
  principal: Principal,
  now: Date,
): ReportVerificationFailuresResponse {
  const items = request.items.map((item) => ({
    kid: item.kid,
    reason: verifyReasonFromWire(item.reason),
    alg: item.alg,
    count: item.count,
    windowStart: item.windowStart,
  }));
  return { accepted: acceptFailureReport(intake, { keySet: request.keySet, items }, actorName(principal), now) };
}

const GROUPS: Partial<Record<StatsGroupBy, StatsGroup>> = {
  [StatsGroupBy.STATS_GROUP_BY_REASON]: 'reason',
  [StatsGroupBy.STATS_GROUP_BY_KID]: 'kid',
  [StatsGroupBy.STATS_GROUP_BY_CLIENT]: 'client',
};

export async function getVerificationStats(
  manager: KeyManager,
  store: FailureStore,
  request: GetVerificationStatsRequest,
): Promise<GetVerificationStatsResponse> {
  const keySet = manager.view(validateKeySetName(request.keySet, 'key_set')).keySet.name;
  const stats = await verificationStats(store, {
    keySet,
    from: request.from,
    to: request.to,
    stepSeconds: stepSecondsFromWire(request.step),
    groupBy: GROUPS[request.groupBy],
  });
  return {
    series: toWireSeries(stats.series),
    lifecycleEvents: stats.lifecycleEvents.map(toWireEvent),
    unknownKidSamples: stats.unknownKidSamples,
  };
}
