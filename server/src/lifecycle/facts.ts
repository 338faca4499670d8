import type { KeySetPolicy } from './policy.js';
import type { KeyState, KeyUse } from './states.js';

/** What the rules know of a key: its state and when things happened to it. No material, no I/O. */
export interface KeyFacts {
  readonly kid: string;
  readonly use: KeyUse;
  readonly state: KeyState;
  /** When it was created, which is when it was first published. */
  readonly createdAt: Date;
  readonly activatedAt: Date | null;
  readonly retiredAt: Date | null;
  readonly expiredAt: Date | null;
  readonly revokedAt: Date | null;
  readonly destroyedAt: Date | null;
  /** The latest signature recorded for it (flushed in batches, so possibly a little behind). */
  readonly lastSignedAt: Date | null;
  /** The latest `exp` among the tokens it signed (flushed in batches too); null if none known. */
  readonly latestTokenExpiry: Date | null;
}

/** The times of a key nothing has happened to since its creation. */
export const UNTOUCHED_KEY = {
  activatedAt: null,
  retiredAt: null,
  expiredAt: null,
  revokedAt: null,
  destroyedAt: null,
  lastSignedAt: null,
  latestTokenExpiry: null,
} as const satisfies Partial<KeyFacts>;

export interface KeySetFacts {
  readonly policy: KeySetPolicy;
  readonly keys: readonly KeyFacts[];
}

/** Share (0..1) of the clients recently seen fetching the JWKS that fetched one containing `kid`. */
export type ReadinessShare = (kid: string) => number | undefined;

export const SECOND = 1_000;

export function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * SECOND);
}

export function latest(...dates: readonly (Date | null)[]): Date {
  let result: Date | undefined;
  for (const date of dates) if (date !== null && (result === undefined || date > result)) result = date;
  if (result === undefined) throw new Error('latest() needs at least one date');
  return result;
}

/**
 * Which key signs, and which is its successor: decided here and nowhere else. Generic so that a
 * caller holding fuller records (the keyring, the service) gets its own records back.
 */
export function signingKeys<K extends KeyFacts>(facts: {
  readonly keys: readonly K[];
}): {
  active: K | undefined;
  pending: K | undefined;
} {
  const sig = facts.keys.filter((key) => key.use === 'sig');
  return {
    active: sig.find((key) => key.state === 'ACTIVE'),
    // The newest pending key is the successor; rotations never create a second one.
    pending: sig.filter((key) => key.state === 'PENDING').sort((a, b) => +b.createdAt - +a.createdAt)[0],
  };
}
