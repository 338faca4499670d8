import { timingSafeEqual } from 'node:crypto';
import { KeywardError } from '../errors.js';
import type { ActiveSession } from '../model/session.js';
import type { ApiTokenRecord } from '../model/api-token.js';
import type { Principal } from './principal.js';
import { ROLE_GRANTS } from '../model/roles.js';
import { SessionTokenVerifier, type PublishedJwks } from './session-tokens.js';
import { hashToken } from './tokens.js';

const BEARER = 'Bearer ';

interface KnownToken {
  readonly hash: Buffer;
  readonly principal: Principal;
}

/**
 * Checks bearer credentials against what is held in memory, with no database round trip per call:
 * API tokens by hash, staff session tokens by signature (the keyward-internal key set) and by
 * their session row. Reloaded whenever any replica changes a token, a user or a session.
 */
export class TokenAuthenticator {
  #byHash = new Map<string, KnownToken>();
  #sessions = new Map<string, ActiveSession>();
  // Last use per token since the last drain, written in batches with the other usage data.
  #lastUsed = new Map<string, number>();
  readonly #sessionTokens: SessionTokenVerifier;

  /** @param internalJwks the internal key set's published JWKS; undefined while there is none. */
  constructor(tokens: readonly ApiTokenRecord[], internalJwks: () => PublishedJwks | undefined = () => undefined) {
    this.#sessionTokens = new SessionTokenVerifier(internalJwks);
    this.replace(tokens);
  }

  replaceSessions(sessions: readonly ActiveSession[]): void {
    this.#sessions = new Map(sessions.map((session) => [session.id, session]));
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

  async authenticate(authorization: string | undefined, now: Date): Promise<Principal> {
    if (authorization === undefined || !authorization.startsWith(BEARER)) {
      throw new KeywardError('UNAUTHENTICATED', 'missing `authorization: Bearer <token>` metadata');
    }
    const credential = authorization.slice(BEARER.length).trim();
    // Every credential is first looked up as an API token, whatever its characters: a token the
    // operator chose (KEYWARD_ADMIN_TOKEN) need not look like the ones Keyward generates. The map
    // is keyed by a hash, so its timing reveals nothing about the token; the constant-time
    // comparison makes the final decision.
    const presented = hashToken(credential);
    const known = this.#byHash.get(presented.toString('hex'));
    if (known === undefined || !timingSafeEqual(known.hash, presented)) {
      return this.#authenticateSession(credential, now);
    }
    const { principal } = known;
    if (principal.expiresAt !== null && principal.expiresAt.getTime() <= now.getTime()) {
      throw new KeywardError('UNAUTHENTICATED', 'the bearer token has expired');
    }
    this.#lastUsed.set(principal.id, now.getTime());
    return principal;
  }

  async #authenticateSession(token: string, now: Date): Promise<Principal> {
    const claims = await this.#sessionTokens.verify(token, now);
    const session = claims === undefined ? undefined : this.#sessions.get(claims.sid);
    if (claims === undefined || session === undefined || session.userId !== claims.sub || session.expiresAt <= now) {
      throw new KeywardError('UNAUTHENTICATED', 'the bearer token is not valid');
    }
    return {
      id: session.id,
      kind: 'user',
      name: session.username,
      grants: ROLE_GRANTS[session.role],
      expiresAt: session.expiresAt,
    };
  }

  /** Last-used times since the previous drain. */
  drainLastUsed(): { tokenId: string; at: Date }[] {
    const drained = [...this.#lastUsed].map(([tokenId, ms]) => ({ tokenId, at: new Date(ms) }));
    this.#lastUsed = new Map();
    return drained;
  }
}
