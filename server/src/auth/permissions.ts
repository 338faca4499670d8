import type { KeyServiceService } from '@keyward/proto/keyward/v1';
import { KeywardError } from '../errors.js';
import type { Principal } from './principal.js';

export type Permission = 'read' | 'sign' | 'admin';

export type KeyServiceMethod = keyof typeof KeyServiceService;

/**
 * What each RPC needs, in one table the gRPC adapter reads. The type makes a new RPC without an
 * entry a compile error.
 */
export const RPC_PERMISSIONS: Readonly<Record<KeyServiceMethod, Permission>> = {
  createKeySet: 'admin',
  getKeySet: 'read',
  listKeySets: 'read',
  sign: 'sign',
  getJwks: 'read',
  rotate: 'admin',
  listKeys: 'read',
  revokeKey: 'admin',
  updateKeySetPolicy: 'admin',
  listEvents: 'read',
  getKeyTimeline: 'read',
  getRotationReadiness: 'read',
};

// Scoped tokens and staff roles extend this; today every principal is an admin.
const ROLE_PERMISSIONS: Readonly<Record<Principal['role'], readonly Permission[]>> = {
  admin: ['read', 'sign', 'admin'],
};

export function authorize(principal: Principal, permission: Permission): void {
  if (!ROLE_PERMISSIONS[principal.role].includes(permission)) {
    throw new KeywardError('PERMISSION_DENIED', `this token may not ${permission}`);
  }
}
