import type { UpdateKeySetPolicyRequest, UpdateKeySetPolicyResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import { policyPatchFromWire, toWireKeySet } from '../messages.js';

export async function updateKeySetPolicy(
  manager: KeyManager,
  publicUrl: string,
  request: UpdateKeySetPolicyRequest,
  principal: Principal,
): Promise<UpdateKeySetPolicyResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  manager.view(keySet); // NOT_FOUND before anything else
  const view = await manager.updatePolicy(
    keySet,
    policyPatchFromWire(request.policy, request.updateMask),
    request.reason,
    actorName(principal),
  );
  return { keySet: toWireKeySet(view, publicUrl, manager.policyWarnings(view)) };
}
