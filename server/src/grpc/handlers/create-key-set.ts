import type { CreateKeySetRequest, CreateKeySetResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { CallDeadline } from '../../limits/call-deadline.js';
import type { KeyManager } from '../../service/key-manager.js';
import { kidSchemeFromWire, policyPatchFromWire, toWireKey, toWireKeySet } from '../messages.js';

export async function createKeySet(
  manager: KeyManager,
  publicUrl: string,
  request: CreateKeySetRequest,
  principal: Principal,
  deadline: CallDeadline,
): Promise<CreateKeySetResponse> {
  const view = await manager.createKeySet(
    {
      name: request.keySet,
      algorithm: request.algorithm,
      issuer: request.issuer,
      rsaModulusBits: request.rsaModulusBits,
      kidScheme: kidSchemeFromWire(request.kidScheme),
      policy: policyPatchFromWire(request.policy),
    },
    actorName(principal),
    deadline,
  );
  const active = view.keys.find((key) => key.kid === view.signer?.kid);
  return {
    keySet: toWireKeySet(view, publicUrl, manager.policyWarnings(view)),
    activeKey: active === undefined ? undefined : toWireKey(active),
  };
}
