// The store's view of the data: plain values, independent of Prisma's generated types.
import type { Algorithm } from '../crypto/algorithms.js';
import type { Role } from '../auth/roles.js';
import type { Grant } from '../auth/scopes.js';
import type { PublicJwk } from '../crypto/jwk.js';
import type { SealedKey } from '../crypto/envelope.js';
import { UNTOUCHED_KEY, type KeyFacts } from '../lifecycle/facts.js';
import type { KeySetPolicy } from '../lifecycle/policy.js';
import type { EventOutcome, EventType } from '../model/event-types.js';

export type KidScheme = 'jwk-thumbprint' | 'random';

export interface KeySetRecord {
  readonly id: string;
  readonly name: string;
  readonly kidScheme: KidScheme;
  readonly issuer: string | null;
  readonly createdAt: Date;
  readonly policy: KeySetPolicy;
}

/** A stored key: what the lifecycle rules know of it (its state and times), and the rest. */
export interface KeyRecord extends KeyFacts {
  readonly id: string;
  readonly keySetId: string;
  readonly alg: Algorithm;
  /** Public members only (kty, n, e, crv, x, y). */
  readonly publicJwk: PublicJwk;
  readonly revocationReason: string | null;
  /** Envelope-encrypted PKCS#8; null once DESTROYED. */
  readonly sealed: SealedKey | null;
}

/** The lifecycle fields of a key nothing has happened to yet. */
export const FRESH_KEY_LIFECYCLE = { ...UNTOUCHED_KEY, revocationReason: null } as const satisfies Partial<KeyRecord>;

export interface KeySetSnapshot {
  readonly keySet: KeySetRecord;
  /** Oldest first. */
  readonly keys: readonly KeyRecord[];
}

export interface KeyEventInput {
  /** When it was recorded, by the service's clock (the one its decisions use). */
  readonly at: Date;
  readonly kid: string | null;
  readonly type: EventType;
  /** What the request came to; 'applied' when not given. */
  readonly outcome?: EventOutcome;
  readonly actor: string;
  readonly reason: string | null;
  readonly before: unknown;
  readonly after: unknown;
}

export interface KeyEventRecord extends KeyEventInput {
  readonly id: bigint;
  readonly outcome: EventOutcome;
  /** Null for events about the service itself (API tokens). */
  readonly keySet: string | null;
}

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

/** A login session that can still be used: not revoked, not expired, its user not disabled. */
export interface ActiveSession {
  readonly id: string;
  readonly userId: string;
  readonly username: string;
  readonly role: Role;
  readonly expiresAt: Date;
}
