import type { RevokeKeyRequest, RevokeKeyResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { CallDeadline } from '../../limits/call-deadline.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKid } from '../../service/request-values.js';
import { toWireKey } from '../messages.js';

export async function revokeKey(
  manager: KeyManager,
  request: RevokeKeyRequest,
  principal: Principal,
  deadline: CallDeadline,
): Promise<RevokeKeyResponse> {
  validateKid(request.kid);
  const result = await manager.revoke(request.kid, request.reason, actorName(principal), deadline);
  return {
    revokedKey: toWireKey(result.revoked),
    replacementKey: result.replacement === undefined ? undefined : toWireKey(result.replacement),
    warning: result.warning ?? '',
  };
}
