import type { ListKeySetsRequest, ListKeySetsResponse } from '@keyward/proto/keyward/v1';
import type { Principal } from '../../auth/principal.js';
import { allows } from '../../auth/scopes.js';
import type { KeySetView } from '../../keyring/view.js';
import { byName, inMemory, type Listing, type Pager } from '../../paging/pager.js';
import type { KeyManager } from '../../service/key-manager.js';
import { toWireKeySet } from '../messages.js';

const KEY_SETS: Listing<KeySetView, string> = {
  scope: ['ListKeySets'],
  order: byName,
  positionOf: (view) => view.keySet.name,
};

/** The key sets the caller may read, by name; the others stay invisible (and pages stay full). */
export async function listKeySets(
  manager: KeyManager,
  pager: Pager,
  publicUrl: string,
  request: ListKeySetsRequest,
  principal: Principal,
): Promise<ListKeySetsResponse> {
  const readable = manager.list().filter((view) => allows(principal.grants, 'read', { keySet: view.keySet.name }));
  const page = await pager.page(request, KEY_SETS, inMemory(readable, KEY_SETS));
  return {
    keySets: page.items.map((view) => toWireKeySet(view, publicUrl, manager.policyWarnings(view))),
    nextPageToken: page.nextPageToken,
  };
}
