import type { KeyServiceServer } from '@keyward/proto/keyward/v1';
import type { KeyManager } from '../service/key-manager.js';
import { createKeySet } from './handlers/create-key-set.js';
import { getJwks } from './handlers/get-jwks.js';
import { getKeySet } from './handlers/get-key-set.js';
import { listKeySets } from './handlers/list-key-sets.js';
import { listKeys } from './handlers/list-keys.js';
import { rotate } from './handlers/rotate.js';
import { sign } from './handlers/sign.js';
import { unary, type RpcContext } from './unary.js';

/** keyward.v1.KeyService: each RPC is its handler behind the shared auth-and-errors adapter. */
export function keyService(manager: KeyManager, publicUrl: string, context: RpcContext): KeyServiceServer {
  return {
    createKeySet: unary('createKeySet', context, (request, principal) =>
      createKeySet(manager, publicUrl, request, principal),
    ),
    getKeySet: unary('getKeySet', context, (request) => getKeySet(manager, publicUrl, request)),
    listKeySets: unary('listKeySets', context, () => listKeySets(manager, publicUrl)),
    sign: unary('sign', context, (request) => sign(manager, request)),
    getJwks: unary('getJwks', context, (request) => getJwks(manager, request)),
    rotate: unary('rotate', context, (request, principal) => rotate(manager, request, principal)),
    listKeys: unary('listKeys', context, (request) => listKeys(manager, request)),
  };
}
