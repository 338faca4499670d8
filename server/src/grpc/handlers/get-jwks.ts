import type { GetJWKSRequest, GetJWKSResponse } from '@keyward/proto/keyward/v1';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';

export function getJwks(manager: KeyManager, request: GetJWKSRequest): GetJWKSResponse {
  const { jwks } = manager.view(validateKeySetName(request.keySet, 'key_set'));
  return { jwksJson: jwks.text, etag: jwks.etag };
}
