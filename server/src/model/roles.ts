import { EVERY_KEY_SET, type Grant } from './grants.js';

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What each staff role may do, as grants: the same permission table applies to people and machines. */
export const ROLE_GRANTS: Readonly<Record<Role, readonly Grant[]>> = {
  viewer: [{ keySet: EVERY_KEY_SET, scopes: ['read'] }],
  operator: [{ keySet: EVERY_KEY_SET, scopes: ['read', 'operate'] }],
  admin: [{ keySet: EVERY_KEY_SET, scopes: ['admin'] }],
};
