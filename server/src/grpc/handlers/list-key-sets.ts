import type { ListKeySetsResponse } from '@keyward/proto/keyward/v1';
import type { KeyManager } from '../../service/key-manager.js';
import { toWireKeySet } from '../messages.js';

export function listKeySets(manager: KeyManager, publicUrl: string): ListKeySetsResponse {
  return { keySets: manager.list().map((view) => toWireKeySet(view, publicUrl)) };
}
