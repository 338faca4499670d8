'use server';
// Staff accounts, as Server Actions (public POST endpoints): Keyward refuses a role that may not
// manage users. A password goes to Keyward once and is never echoed back into the form.
import { Role } from '@keyward/proto/keyward/v1';
import { revalidatePath } from 'next/cache';
import { callAsStaff } from '../../../lib/session';
import { asStaff, textOf } from '../../../lib/staff-action';

export interface UserActionState {
  readonly done?: string;
  readonly error?: string;
}

const ROLES: Readonly<Record<string, Role>> = {
  viewer: Role.ROLE_VIEWER,
  operator: Role.ROLE_OPERATOR,
  admin: Role.ROLE_ADMIN,
};

export async function createUser(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const username = textOf(form, 'username').trim();
  const role = ROLES[textOf(form, 'role')];
  const password = textOf(form, 'password');
  if (username === '' || role === undefined) return { error: 'Give a username and a role.' };
  if (password.length < 12) return { error: 'The password must have at least 12 characters.' };
  const outcome = await asStaff('manage staff users', () => callAsStaff('createUser', { username, password, role }));
  if (!outcome.ok) return { error: outcome.error };
  revalidatePath('/users');
  return { done: `${outcome.value.user?.username ?? username} can sign in now.` };
}

export async function setUserRole(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const username = textOf(form, 'username');
  const role = ROLES[textOf(form, 'role')];
  if (role === undefined) return { error: 'Choose a role.' };
  const outcome = await asStaff('manage staff users', () => callAsStaff('setUserRole', { username, role }));
  if (!outcome.ok) return { error: outcome.error };
  revalidatePath('/users');
  return { done: `${username} is now ${textOf(form, 'role')}; their sessions ended.` };
}

export async function disableUser(_previous: UserActionState, form: FormData): Promise<UserActionState> {
  const username = textOf(form, 'username');
  const outcome = await asStaff('manage staff users', () => callAsStaff('disableUser', { username }));
  if (!outcome.ok) return { error: outcome.error };
  revalidatePath('/users');
  return { done: `${username} is disabled.` };
}
