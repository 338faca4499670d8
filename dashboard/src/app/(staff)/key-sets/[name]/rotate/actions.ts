'use server';
// Rotate, as a Server Action: a public POST endpoint, so it proves nothing by being reachable. The
// session's own token goes to Keyward, which refuses a role that may not rotate.
import { RotationMode } from '@keyward/proto/keyward/v1';
import { revalidatePath } from 'next/cache';
import { callAsStaff } from '../../../../../lib/session';
import { asStaff, textOf } from '../../../../../lib/staff-action';

export interface RotationDone {
  readonly newKid: string;
  readonly mode: 'scheduled' | 'immediate';
  /** "applied", or "already_pending" when a scheduled rotation was under way. */
  readonly outcome: 'applied' | 'already_pending';
  readonly previousKid: string;
  readonly activatesAt: string | undefined;
  readonly warning: string;
}

export interface RotateState {
  readonly done?: RotationDone;
  readonly error?: string;
}

export async function rotateKeySet(_previous: RotateState, form: FormData): Promise<RotateState> {
  const keySet = textOf(form, 'key_set');
  const mode = textOf(form, 'mode');
  const reason = textOf(form, 'reason').trim();
  if (mode !== 'scheduled' && mode !== 'immediate') return { error: 'Choose scheduled or immediate.' };
  if (reason === '') return { error: 'Say why you rotate: the reason goes into the audit trail.' };
  const outcome = await asStaff('rotate keys', () =>
    callAsStaff('rotate', {
      keySet,
      reason,
      mode: mode === 'immediate' ? RotationMode.ROTATION_MODE_IMMEDIATE : RotationMode.ROTATION_MODE_SCHEDULED,
    }),
  );
  if (!outcome.ok) return { error: outcome.error };
  const rotated = outcome.value;
  revalidatePath('/', 'layout');
  return {
    done: {
      newKid: rotated.newKey?.kid ?? '',
      mode,
      outcome: rotated.alreadyPending ? 'already_pending' : 'applied',
      previousKid: rotated.previousKid,
      activatesAt: rotated.activatesAt?.toISOString(),
      warning: rotated.warning,
    },
  };
}
