import {
  FailingKidKind,
  KeyState as WireKeyState,
  type DiagnoseVerificationFailuresRequest,
  type DiagnoseVerificationFailuresResponse,
  type KidDiagnosis as WireKidDiagnosis,
} from '@keyward/proto/keyward/v1';
import { validateKeySetName } from '../../model/names.js';
import type { KidDiagnosis } from '../../reports/diagnosis.js';
import { diagnoseFailures } from '../../service/failure-diagnosis.js';
import type { KeyManager } from '../../service/key-manager.js';
import type { FailureStore } from '../../store/failure-store.js';
import type { KeyStore } from '../../store/key-store.js';
import { duration, wireState } from '../messages.js';
import { verifyReasonToWire } from '../verify-reason-messages.js';

export async function diagnoseVerificationFailures(
  manager: KeyManager,
  store: FailureStore & KeyStore,
  request: DiagnoseVerificationFailuresRequest,
): Promise<DiagnoseVerificationFailuresResponse> {
  const diagnoses = await diagnoseFailures(manager, store, {
    keySet: validateKeySetName(request.keySet, 'key_set'),
    from: request.from,
    to: request.to,
  });
  return { kids: diagnoses.map(toWireDiagnosis) };
}

function toWireDiagnosis(diagnosis: KidDiagnosis): WireKidDiagnosis {
  const { suggestion, activationGap } = diagnosis;
  return {
    kid: diagnosis.kid,
    failures: String(diagnosis.failures),
    reasons: diagnosis.reasons.map(({ reason, count }) => ({
      reason: verifyReasonToWire(reason),
      count: String(count),
    })),
    kind: FailingKidKind[`FAILING_KID_KIND_${diagnosis.kind}`],
    keyState: diagnosis.keyState === undefined ? WireKeyState.KEY_STATE_UNSPECIFIED : wireState(diagnosis.keyState),
    otherKeySet: diagnosis.otherKeySet ?? '',
    explanation: diagnosis.explanation,
    advice: diagnosis.advice,
    suggestion:
      suggestion === undefined
        ? undefined
        : {
            field: suggestion.field,
            current: duration(suggestion.currentSeconds),
            suggested: duration(suggestion.suggestedSeconds),
          },
    reportingClients: [...diagnosis.reportingClients],
    activationGap:
      activationGap === undefined
        ? undefined
        : {
            activatedAt: activationGap.activatedAt,
            clientsSeen: activationGap.clientsSeen,
            clientsWithoutKey: activationGap.clientsWithoutKey,
            prePublishPeriod: duration(activationGap.prePublishPeriodSeconds),
            jwksMaxAgeSeconds: activationGap.jwksMaxAgeSeconds,
          },
  };
}
