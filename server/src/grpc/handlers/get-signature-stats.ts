import type { GetSignatureStatsRequest, GetSignatureStatsResponse } from '@keyward/proto/keyward/v1';
import { KeywardError } from '../../errors.js';
import { validateKeySetName } from '../../model/names.js';
import type { KeyManager } from '../../service/key-manager.js';
import type { SignatureStore } from '../../store/signature-store.js';
import { signatureStats } from '../../usage/signature-stats.js';
import { stepSecondsFromWire, toWireSeries } from '../messages.js';

export async function getSignatureStats(
  manager: KeyManager,
  store: SignatureStore,
  request: GetSignatureStatsRequest,
): Promise<GetSignatureStatsResponse> {
  const view = manager.view(validateKeySetName(request.keySet, 'key_set'));
  const kid = request.kid === '' ? undefined : request.kid;
  // A kid of another key set would only ever chart zeros: say so instead.
  if (kid !== undefined && !view.keys.some((key) => key.kid === kid)) {
    throw new KeywardError('NOT_FOUND', `key set "${view.keySet.name}" has no key "${kid}"`);
  }
  const series = await signatureStats(store, {
    keySet: view.keySet.name,
    kid,
    from: request.from,
    to: request.to,
    stepSeconds: stepSecondsFromWire(request.step),
  });
  return { series: toWireSeries(series) };
}
