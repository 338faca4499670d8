import type { GetKeySetRequest, GetKeySetResponse } from '@keyward/proto/keyward/v1';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import { toWireKeySet } from '../messages.js';

export function getKeySet(manager: KeyManager, publicUrl: string, request: GetKeySetRequest): GetKeySetResponse {
  const view = manager.view(validateKeySetName(request.keySet, 'key_set'));
  return { keySet: toWireKeySet(view, publicUrl, manager.policyWarnings(view)) };
}
