// The failures attributed to one key, from DiagnoseVerificationFailures (one row per failing kid).
import {
  FailingKidKind,
  VerifyReason,
  type DiagnoseVerificationFailuresResponse,
  type KidDiagnosis,
} from '@keyward/proto/keyward/v1';

/** This kid's row; undefined when no failure was reported for it. */
export function diagnosisOf(response: DiagnoseVerificationFailuresResponse, kid: string): KidDiagnosis | undefined {
  return response.kids.find((row) => row.kid === kid && row.kind !== FailingKidKind.FAILING_KID_KIND_UNKNOWN);
}

/** "UNKNOWN_KID", "BAD_SIGNATURE": the names relying parties and the API use. */
export function reasonName(reason: VerifyReason): string {
  const name = VerifyReason[reason] as string | undefined;
  return name === undefined || reason === VerifyReason.VERIFY_REASON_UNSPECIFIED
    ? 'UNSPECIFIED'
    : name.replace(/^VERIFY_REASON_/, '');
}
