import {
  KeyState as WireKeyState,
  VerifyReason as WireVerifyReason,
  type VerifyBatchItem,
  type VerifyBatchRequest,
  type VerifyBatchResponse,
  type VerifyRequest,
  type VerifyResponse,
} from '@keyward/proto/keyward/v1';
import { validateKeySetName } from '../../model/names.js';
import type { Verification, Verifier, VerifyItem } from '../../service/verifier.js';
import { wireState } from '../messages.js';
import { verifyReasonToWire } from '../verify-reason-messages.js';

export async function verify(verifier: Verifier, request: VerifyRequest): Promise<VerifyResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  return toWireVerification(await verifier.verify(keySet, itemFromWire(request)));
}

export async function verifyBatch(verifier: Verifier, request: VerifyBatchRequest): Promise<VerifyBatchResponse> {
  const keySet = validateKeySetName(request.keySet, 'key_set');
  const results = await verifier.verifyBatch(keySet, request.items.map(itemFromWire));
  return { results: results.map(toWireVerification) };
}

function itemFromWire(item: VerifyBatchItem): VerifyItem {
  return {
    jws: item.jws,
    issuer: item.issuer,
    audience: item.audience,
    typ: item.typ,
    clockToleranceSeconds: item.clockTolerance === undefined ? undefined : seconds(item.clockTolerance),
  };
}

/** NaN for a malformed value, which the verifier refuses with the field's name. */
function seconds(duration: NonNullable<VerifyBatchItem['clockTolerance']>): number {
  return Number(duration.seconds) + duration.nanos / 1e9;
}

function toWireVerification(result: Verification): VerifyResponse {
  return {
    valid: result.valid,
    reason:
      result.reason === undefined ? WireVerifyReason.VERIFY_REASON_UNSPECIFIED : verifyReasonToWire(result.reason),
    claim: result.claim ?? '',
    kid: result.kid ?? '',
    alg: result.alg ?? '',
    keyState: result.keyState === undefined ? WireKeyState.KEY_STATE_UNSPECIFIED : wireState(result.keyState),
    payload: result.payload ?? Buffer.alloc(0),
    message: result.message,
  };
}
