import type { RotateRequest, RotateResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../service/names.js';
import { toWireKey } from '../messages.js';

export async function rotate(manager: KeyManager, request: RotateRequest, principal: Principal): Promise<RotateResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  const result = await manager.rotate(keySet, request.reason, actorName(principal));
  return { newKey: toWireKey(result.newKey), previousKid: result.previousKid ?? '' };
}
