import { RotationMode, type RotateRequest, type RotateResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { CallDeadline } from '../../limits/call-deadline.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import { toWireKey } from '../messages.js';

export async function rotate(
  manager: KeyManager,
  request: RotateRequest,
  principal: Principal,
  deadline: CallDeadline,
): Promise<RotateResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  const mode = request.mode === RotationMode.ROTATION_MODE_IMMEDIATE ? 'IMMEDIATE' : 'SCHEDULED';
  const result = await manager.rotate(keySet, mode, request.reason, actorName(principal), deadline);
  return {
    newKey: toWireKey(result.newKey),
    previousKid: result.previousKid ?? '',
    activatesAt: result.activatesAt,
    alreadyPending: result.alreadyPending,
    warning: result.warning ?? '',
  };
}
