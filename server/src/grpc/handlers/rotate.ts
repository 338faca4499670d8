import { RotationMode, type RotateRequest, type RotateResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import { KeywardError } from '../../errors.js';
import type { CallDeadline } from '../../limits/call-deadline.js';
import { addSeconds } from '../../lifecycle/facts.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import { pendingKeyOf } from '../../service/pending-key.js';
import { toWireKey } from '../messages.js';
import { unseenKeyWarning } from '../unseen-key-warning.js';

export async function rotate(
  manager: KeyManager,
  request: RotateRequest,
  principal: Principal,
  deadline: CallDeadline,
): Promise<RotateResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  const immediate = request.mode === RotationMode.ROTATION_MODE_IMMEDIATE;
  const mode = immediate ? 'IMMEDIATE' : 'SCHEDULED';
  const result = await manager.rotate(keySet, mode, request.reason, actorName(principal), deadline);
  const { view } = result;

  if (immediate) {
    const signer = view.keys.find((key) => key.kid === view.signer?.kid);
    if (signer === undefined) throw new KeywardError('INTERNAL', 'immediate rotation left no signer');
    const steppedDown = result.plan?.changes.find((change) => change.kind === 'transition' && change.from === 'ACTIVE');
    return {
      newKey: toWireKey(signer),
      previousKid: steppedDown?.kind === 'transition' ? steppedDown.kid : '',
      activatesAt: signer.activatedAt ?? undefined,
      alreadyPending: false,
      warning: unseenKeyWarning(signer, manager.policyContext),
    };
  }

  const pending = pendingKeyOf(view);
  if (pending === undefined) throw new KeywardError('INTERNAL', 'scheduled rotation left no pending key');
  return {
    newKey: toWireKey(pending),
    // It signs until the pending key takes over.
    previousKid: view.signer?.kid ?? '',
    activatesAt: addSeconds(pending.createdAt, view.keySet.policy.prePublishPeriodSeconds),
    alreadyPending: result.plan?.existingPendingKid !== undefined,
    warning: '',
  };
}
