import type { SignRequest, SignResponse } from '@keyward/proto/keyward/v1';
import { invalidArgument } from '../../errors.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';

export function sign(manager: KeyManager, request: SignRequest): Promise<SignResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  if (request.claimsJson !== undefined) {
    return manager.sign(keySet, { claimsJson: request.claimsJson }, request.typ);
  }
  if (request.payload !== undefined) {
    return manager.sign(keySet, { payload: request.payload }, request.typ);
  }
  throw invalidArgument('content', 'set claims_json (a JWT) or payload (opaque bytes)');
}
