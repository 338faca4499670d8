import { timingSafeEqual } from 'node:crypto';
import { KeywardError } from '../errors.js';
import type { ApiTokenRecord } from '../store/records.js';
import type { Principal } from './principal.js';
import { hashToken } from './tokens.js';

const BEARER = 'Bearer ';

interface KnownToken {
  readonly hash: Buffer;
  readonly principal: Principal;
}

/**
 * Checks bearer tokens against the token hashes held in memory: no database round trip per call.
 * Reloaded whenever any replica creates or revokes a token.
 */
export class TokenAuthenticator {
  #byHash = new Map<string, KnownToken>();
  // Last use per token since the last drain, written in batches with the other usage data.
  #lastUsed = new Map<string, number>();

  constructor(tokens: readonly ApiTokenRecord[]) {
    this.replace(tokens);
  }

  replace(tokens: readonly ApiTokenRecord[]): void {
    const byHash = new Map<string, KnownToken>();
    for (const token of tokens) {
      if (token.revokedAt !== null) continue;
      byHash.set(token.tokenHash.toString('hex'), {
        hash: token.tokenHash,
        principal: { id: token.id, kind: 'token', name: token.name, grants: token.grants, expiresAt: token.expiresAt },
      });
    }
    this.#byHash = byHash;
  }

  authenticate(authorization: string | undefined, now: Date): Principal {
    if (authorization === undefined || !authorization.startsWith(BEARER)) {
      throw new KeywardError('UNAUTHENTICATED', 'missing `authorization: Bearer <token>` metadata');
    }
    const presented = hashToken(authorization.slice(BEARER.length).trim());
    // The map lookup is keyed by a hash, so its timing reveals nothing about the token; the
    // constant-time comparison makes the final decision.
    const known = this.#byHash.get(presented.toString('hex'));
    if (known === undefined || !timingSafeEqual(known.hash, presented)) {
      throw new KeywardError('UNAUTHENTICATED', 'the bearer token is not valid');
    }
    const { principal } = known;
    if (principal.expiresAt !== null && principal.expiresAt.getTime() <= now.getTime()) {
      throw new KeywardError('UNAUTHENTICATED', 'the bearer token has expired');
    }
    this.#lastUsed.set(principal.id, now.getTime());
    return principal;
  }

  /** Last-used times since the previous drain. */
  drainLastUsed(): { tokenId: string; at: Date }[] {
    const drained = [...this.#lastUsed].map(([tokenId, ms]) => ({ tokenId, at: new Date(ms) }));
    this.#lastUsed = new Map();
    return drained;
  }
}
