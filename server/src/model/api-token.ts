import type { Grant } from './grants.js';

export interface ApiTokenRecord {
  readonly id: string;
  readonly name: string;
  /** SHA-256 of the token. */
  readonly tokenHash: Buffer;
  readonly grants: readonly Grant[];
  readonly createdAt: Date;
  /** Who created it (an actor name); null for tokens made at start-up. */
  readonly createdBy: string | null;
  readonly expiresAt: Date | null;
  readonly revokedAt: Date | null;
  readonly lastUsedAt: Date | null;
}
