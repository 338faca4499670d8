import type { ListKeysRequest, ListKeysResponse } from '@keyward/proto/keyward/v1';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import { toWireKey } from '../messages.js';

export function listKeys(manager: KeyManager, request: ListKeysRequest): ListKeysResponse {
  return { keys: manager.view(validateKeySetName(request.keySet, 'key_set')).keys.map(toWireKey) };
}
