import type { RevokeKeyRequest, RevokeKeyResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import { invalidArgument } from '../../errors.js';
import type { KeyManager } from '../../service/key-manager.js';
import { toWireKey } from '../messages.js';

export async function revokeKey(manager: KeyManager, request: RevokeKeyRequest, principal: Principal): Promise<RevokeKeyResponse> {
  if (request.kid === '') throw invalidArgument('kid', 'is required');
  const { revoked, replacement, replacementWasPublished } = await manager.revoke(
    request.kid,
    request.reason,
    actorName(principal),
  );
  return {
    revokedKey: toWireKey(revoked),
    replacementKey: replacement === undefined ? undefined : toWireKey(replacement),
    warning:
      replacement !== undefined && !replacementWasPublished
        ? `no key was pending, so the replacement ${replacement.kid} signs without having been published first: ` +
          'clients holding a cached JWKS will not find its kid until they refresh'
        : '',
  };
}
