// Words for the failure vocabulary of the API: reasons and kinds of failing kid.
import { FailingKidKind, VerifyReason } from '@keyward/proto/keyward/v1';

/** "UNKNOWN_KID", as GetVerificationStats names the reason in its series. */
export function reasonName(reason: VerifyReason): string {
  const name = VerifyReason[reason] as string | undefined;
  return name === undefined ? 'UNSPECIFIED' : name.replace(/^VERIFY_REASON_/, '');
}

const KINDS: Readonly<Record<FailingKidKind, string>> = {
  [FailingKidKind.FAILING_KID_KIND_UNSPECIFIED]: 'unclassified',
  [FailingKidKind.FAILING_KID_KIND_PENDING_KEY]: 'a pending key of this set',
  [FailingKidKind.FAILING_KID_KIND_ACTIVE_KEY]: 'the active key of this set',
  [FailingKidKind.FAILING_KID_KIND_RETIRED_KEY]: 'a retired key of this set',
  [FailingKidKind.FAILING_KID_KIND_EXPIRED_KEY]: 'an expired key of this set (no longer published)',
  [FailingKidKind.FAILING_KID_KIND_REVOKED_KEY]: 'a revoked key of this set',
  [FailingKidKind.FAILING_KID_KIND_OTHER_KEY_SET]: 'a key of another key set',
  [FailingKidKind.FAILING_KID_KIND_UNKNOWN]: 'never issued by Keyward',
  [FailingKidKind.UNRECOGNIZED]: 'unclassified',
};

export function kindInWords(kind: FailingKidKind): string {
  return KINDS[kind] ?? 'unclassified';
}
