import type { RevokeKeyRequest, RevokeKeyResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import { validateKid } from '../../service/request-values.js';
import type { KeyManager } from '../../service/key-manager.js';
import { toWireKey } from '../messages.js';
import { unseenKeyWarning } from '../unseen-key-warning.js';

export async function revokeKey(
  manager: KeyManager,
  request: RevokeKeyRequest,
  principal: Principal,
): Promise<RevokeKeyResponse> {
  validateKid(request.kid);
  const { revoked, replacement } = await manager.revoke(request.kid, request.reason, actorName(principal));
  return {
    revokedKey: toWireKey(revoked),
    replacementKey: replacement === undefined ? undefined : toWireKey(replacement),
    warning: replacement === undefined ? '' : unseenKeyWarning(replacement, manager.policyContext),
  };
}
