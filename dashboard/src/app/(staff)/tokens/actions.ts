'use server';
// API tokens, as Server Actions (public POST endpoints): Keyward refuses a role that may not manage
// tokens. A new token's secret travels once, in this action's answer, to the page that asked:
// never into a cookie, a URL or a log.
import type { Grant, Scope } from '@keyward/proto/keyward/v1';
import { revalidatePath } from 'next/cache';
import { secondsOf } from '../../../lib/durations';
import { callAsStaff } from '../../../lib/session';
import { asStaff, textOf } from '../../../lib/staff-action';
import { MAX_GRANTS } from './grants';

export interface CreateTokenState {
  readonly created?: { readonly id: string; readonly name: string; readonly secret: string };
  readonly error?: string;
}

export async function createToken(_previous: CreateTokenState, form: FormData): Promise<CreateTokenState> {
  const name = textOf(form, 'name').trim();
  const grants: Grant[] = [];
  for (let index = 0; index < MAX_GRANTS; index += 1) {
    const keySet = textOf(form, `grant_${index}_key_set`);
    const scopes: Scope[] = form
      .getAll(`grant_${index}_scopes`)
      .map(Number)
      .filter((scope) => Number.isInteger(scope) && scope > 0);
    if (keySet !== '' && scopes.length > 0) grants.push({ keySet, scopes });
  }
  if (name === '') return { error: 'Give the token a name: it names the caller in the audit trail.' };
  if (grants.length === 0) return { error: 'Grant at least one scope on a key set.' };
  const ttlAmount = textOf(form, 'ttl').trim();
  let ttl: { seconds: string; nanos: number } | undefined;
  if (ttlAmount !== '') {
    const seconds = secondsOf(ttlAmount, textOf(form, 'ttl_unit'));
    if (seconds === undefined || seconds === 0) return { error: 'The lifetime must be a whole, positive duration.' };
    ttl = { seconds: String(seconds), nanos: 0 };
  }
  const outcome = await asStaff('create API tokens', () => callAsStaff('createApiToken', { name, grants, ttl }));
  if (!outcome.ok) return { error: outcome.error };
  revalidatePath('/tokens');
  const { token, secret } = outcome.value;
  return { created: { id: token?.id ?? '', name: token?.name ?? name, secret } };
}

export interface RevokeTokenState {
  readonly revoked?: boolean;
  readonly error?: string;
}

export async function revokeToken(_previous: RevokeTokenState, form: FormData): Promise<RevokeTokenState> {
  const id = textOf(form, 'id');
  if (id === '') return { error: 'No token named.' };
  const outcome = await asStaff('revoke API tokens', () =>
    callAsStaff('revokeApiToken', { id, reason: textOf(form, 'reason').trim() }),
  );
  if (!outcome.ok) return { error: outcome.error };
  revalidatePath('/tokens');
  return { revoked: true };
}
