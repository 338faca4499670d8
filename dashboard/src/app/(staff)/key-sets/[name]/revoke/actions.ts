'use server';
// Revoke, as a Server Action (a public POST endpoint): the typed kid is compared here again, since
// a browser's check proves nothing, and Keyward refuses a role that may not revoke.
import { revalidatePath } from 'next/cache';
import { callAsStaff } from '../../../../../lib/session';
import { asStaff, textOf } from '../../../../../lib/staff-action';

export interface RevocationDone {
  readonly revokedKid: string;
  /** Set when the revoked key was the signer: the key that signs now. */
  readonly replacementKid: string;
  readonly warning: string;
}

export interface RevokeState {
  readonly done?: RevocationDone;
  readonly error?: string;
}

export async function revokeKey(_previous: RevokeState, form: FormData): Promise<RevokeState> {
  const kid = textOf(form, 'kid');
  const reason = textOf(form, 'reason').trim();
  if (kid === '') return { error: 'Choose the key to revoke.' };
  if (textOf(form, 'confirm_kid') !== kid) return { error: `Type the kid ${kid} exactly to confirm.` };
  if (reason === '') return { error: 'Say why the key is revoked: the reason is kept with the key.' };
  const outcome = await asStaff('revoke keys', () => callAsStaff('revokeKey', { kid, reason }));
  if (!outcome.ok) return { error: outcome.error };
  revalidatePath('/', 'layout');
  const { revokedKey, replacementKey, warning } = outcome.value;
  return { done: { revokedKid: revokedKey?.kid ?? kid, replacementKid: replacementKey?.kid ?? '', warning } };
}
