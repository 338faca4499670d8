import type { KeySetView } from '../keyring/view.js';
import { signingKeys } from '../lifecycle/facts.js';
import type { KeyRecord } from '../model/key.js';

/** The key that signs now, if any (the lifecycle rules decide which: lifecycle/facts.ts). */
export function signingKeyOf(view: KeySetView): KeyRecord | undefined {
  return signingKeys(view).active;
}

/** The key a rotation under way will activate, if any. */
export function pendingKeyOf(view: KeySetView): KeyRecord | undefined {
  return signingKeys(view).pending;
}
