import type { Algorithm } from '../crypto/algorithms.js';
import type { SealedKey } from '../crypto/envelope.js';
import type { PublicJwk } from '../crypto/jwk.js';
import { UNTOUCHED_KEY, type KeyFacts } from '../lifecycle/facts.js';

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
