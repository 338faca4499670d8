'use server';
// The policy edit, as one Server Action with two intents: "review" reads the form and says what the
// new policy means (nothing is sent); "save" sends UpdateKeySetPolicy with an update_mask of the
// changed fields. Keyward refuses an unsafe policy, naming the fields; those come back per field.
import { revalidatePath } from 'next/cache';
import type { FieldProblem } from '../../../../../lib/action-errors';
import { policyInWords } from '../../../../../lib/format';
import { DURATION_FIELDS } from '../../../../../lib/policy-fields';
import { readPolicyForm } from '../../../../../lib/policy-form';
import { callAsStaff } from '../../../../../lib/session';
import { asStaff, asStaffWithProblems, textOf } from '../../../../../lib/staff-action';

export interface PolicyState {
  /** What the reviewed (or saved) policy means, and which fields it changes. */
  readonly words?: string[];
  readonly changed?: string[];
  readonly saved?: boolean;
  readonly error?: string;
  readonly problems?: FieldProblem[];
}

const LABELS: Readonly<Record<string, string>> = {
  algorithm: 'algorithm',
  rsa_modulus_bits: 'RSA modulus length',
  excess_ttl: 'longer tokens',
  auto_rotate: 'automatic rotation',
  activation_readiness: 'activation hold',
  ...Object.fromEntries(DURATION_FIELDS.map(([field, , label]) => [field, label.toLowerCase()])),
};

export async function policyAction(_previous: PolicyState, form: FormData): Promise<PolicyState> {
  const keySet = textOf(form, 'key_set');
  const current = await asStaff('edit policies', () => callAsStaff('getKeySet', { keySet }));
  if (!current.ok) return { error: current.error };
  const policy = current.value.keySet?.policy;
  if (policy === undefined) return { error: `Keyward reported no policy for ${keySet}.` };
  const change = readPolicyForm((name) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : undefined;
  }, policy);
  if (change.problems.length > 0) return { problems: change.problems };
  if (change.updateMask.length === 0) return { error: 'Nothing is changed: the form holds the current policy.' };
  const changed = change.updateMask.map((field) => LABELS[field] ?? field);
  const words = policyInWords(change.policy);
  if (textOf(form, 'intent') !== 'save') return { words, changed };

  const saved = await asStaffWithProblems('edit policies', () =>
    callAsStaff('updateKeySetPolicy', {
      keySet,
      policy: change.policy,
      reason: textOf(form, 'reason').trim(),
      updateMask: change.updateMask,
    }),
  );
  if (!saved.ok) {
    // A refusal names its fields: the form shows each next to its field.
    if (saved.problems === undefined) return { error: saved.error };
    return { error: 'Keyward refused this policy, so nothing changed.', problems: saved.problems };
  }
  revalidatePath('/', 'layout');
  return { words: policyInWords(saved.value.keySet?.policy), changed, saved: true };
}
