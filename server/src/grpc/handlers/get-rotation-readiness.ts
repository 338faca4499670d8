import type { GetRotationReadinessRequest, GetRotationReadinessResponse } from '@keyward/proto/keyward/v1';
import { cacheHorizonSeconds } from '../../lifecycle/policy.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import { duration } from '../messages.js';

export async function getRotationReadiness(
  manager: KeyManager,
  request: GetRotationReadinessRequest,
): Promise<GetRotationReadinessResponse> {
  const readiness = await manager.readinessReport(validateKeySetName(request.keySet, 'key_set'));
  return {
    pendingKid: readiness.pendingKid ?? '',
    window: duration(readiness.windowSeconds),
    clientsSeen: readiness.clientsSeen,
    clientsWithPendingKey: readiness.clientsWithPendingKey,
    share: readiness.share ?? 0,
    minShare: readiness.minShare,
    eligibleAt: readiness.eligibleAt,
    deadline: readiness.deadline,
    jwksMaxAge: duration(manager.policyContext.jwksMaxAgeSeconds),
    jwksCacheHorizon: duration(cacheHorizonSeconds(manager.policyContext)),
    clientsWithoutPendingKey: readiness.clientsWithoutPendingKey.map((client) => ({
      clientId: client.id,
      firstSeen: client.firstSeen,
      lastSeen: client.lastSeen,
      newestKid: client.newestKid ?? '',
      newestKeyCreatedAt: client.newestKeySeen,
    })),
    moreClientsWithoutPendingKey: readiness.moreClientsWithoutPendingKey,
  };
}
