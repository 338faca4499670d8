import type { ListKeysRequest, ListKeysResponse } from '@keyward/proto/keyward/v1';
import { inMemory, oldestFirst, type CreationPosition, type Listing, type Pager } from '../../paging/pager.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import type { KeyRecord } from '../../model/key.js';
import { toWireKey } from '../messages.js';

/** Oldest first, as the keyring holds them. */
export async function listKeys(manager: KeyManager, pager: Pager, request: ListKeysRequest): Promise<ListKeysResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  const keys: Listing<KeyRecord, CreationPosition> = {
    scope: ['ListKeys', keySet],
    order: oldestFirst,
    positionOf: (key) => ({ createdAt: key.createdAt, id: key.kid }),
  };
  const page = await pager.page(request, keys, inMemory(manager.view(keySet).keys, keys));
  return { keys: page.items.map(toWireKey), nextPageToken: page.nextPageToken };
}
