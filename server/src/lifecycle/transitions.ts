import { KeywardError } from '../errors.js';
import type { KeyState } from './states.js';

// The only moves a key can make. REVOKED is reachable from every live state because a compromise
// can be discovered at any time; nothing leaves DESTROYED.
const ALLOWED: Readonly<Record<KeyState, readonly KeyState[]>> = {
  PENDING: ['ACTIVE', 'REVOKED'],
  ACTIVE: ['RETIRED', 'REVOKED'],
  RETIRED: ['EXPIRED', 'REVOKED'],
  EXPIRED: ['DESTROYED'],
  REVOKED: ['DESTROYED'],
  DESTROYED: [],
};

export function isAllowedTransition(from: KeyState, to: KeyState): boolean {
  return ALLOWED[from].includes(to);
}

export function assertTransition(kid: string, from: KeyState, to: KeyState): void {
  if (!isAllowedTransition(from, to)) {
    throw new KeywardError('FAILED_PRECONDITION', `key ${kid} is ${from} and cannot become ${to}`);
  }
}
