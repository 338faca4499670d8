import type { ListKeySetsResponse } from '@keyward/proto/keyward/v1';
import type { Principal } from '../../auth/principal.js';
import { allows } from '../../auth/scopes.js';
import type { KeyManager } from '../../service/key-manager.js';
import { toWireKeySet } from '../messages.js';

/** Every key set the caller may read; the others stay invisible. */
export function listKeySets(manager: KeyManager, publicUrl: string, principal: Principal): ListKeySetsResponse {
  return {
    keySets: manager
      .list()
      .filter((view) => allows(principal.grants, 'read', { keySet: view.keySet.name }))
      .map((view) => toWireKeySet(view, publicUrl)),
  };
}
