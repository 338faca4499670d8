import type { RewrapKeysResponse } from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { RewrapOutcome } from '../../service/rewrap.js';

export async function rewrapKeys(
  rewrap: (actor: string) => Promise<RewrapOutcome>,
  principal: Principal,
): Promise<RewrapKeysResponse> {
  return rewrap(actorName(principal));
}
