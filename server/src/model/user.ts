import type { Role } from './roles.js';

export interface UserRecord {
  readonly id: string;
  readonly username: string;
  /** scrypt hash (auth/passwords.ts); never the password. */
  readonly passwordHash: string;
  readonly role: Role;
  readonly createdAt: Date;
  readonly createdBy: string | null;
  readonly disabledAt: Date | null;
}
