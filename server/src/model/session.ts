import type { Role } from './roles.js';

/** A login session that can still be used: not revoked, not expired, its user not disabled. */
export interface ActiveSession {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly expiresAt: Date;
}
