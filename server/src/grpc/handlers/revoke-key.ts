import type { RevokeKeyRequest, RevokeKeyResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import { invalidArgument } from '../../errors.js';
import type { KeyManager } from '../../service/key-manager.js';
import { toWireKey } from '../messages.js';
import { unseenKeyWarning } from '../unseen-key-warning.js';

export async function revokeKey(manager: KeyManager, request: RevokeKeyRequest, principal: Principal): Promise<RevokeKeyResponse> {
  if (request.kid === '') throw invalidArgument('kid', 'is required');
  const { revoked, replacement } = await manager.revoke(
    request.kid,
    request.reason,
    actorName(principal),
  );
  return {
    revokedKey: toWireKey(revoked),
    replacementKey: replacement === undefined ? undefined : toWireKey(replacement),
    warning: replacement === undefined ? '' : unseenKeyWarning(replacement, manager.policyContext),
  };
}
