import { randomUUID } from 'node:crypto';
import { validateGrants } from '../auth/scopes.js';
import type { Grant } from '../model/grants.js';
import { generateApiToken, hashToken } from '../auth/tokens.js';
import { KeywardError, invalidArgument } from '../errors.js';
import { addSeconds } from '../lifecycle/facts.js';
import type { CreationPosition, PageQuery } from '../paging/pager.js';
import type { KeyStore } from '../store/key-store.js';
import type { ApiTokenRecord } from '../model/api-token.js';
import { isKeySetName } from '../model/names.js';
import { validateReason } from './request-values.js';

const MAX_TOKEN_TTL_SECONDS = 10 * 365 * 86_400;

export interface NewApiToken {
  readonly name: string;
  readonly grants: readonly Grant[];
  readonly ttlSeconds: number | undefined;
}

/** Machine tokens: created with a secret shown once, listed without it, revoked for good. */
export class ApiTokens {
  /**
   * `reload` refreshes this replica's authenticator after a change, before the caller is answered:
   * a token is usable (or dead) here as soon as its RPC returns; other replicas follow on NOTIFY.
   */
  constructor(
    private readonly store: KeyStore,
    private readonly clock: () => Date,
    private readonly reload: () => Promise<void>,
  ) {}

  async create(request: NewApiToken, actor: string): Promise<{ token: ApiTokenRecord; secret: string }> {
    // Same alphabet as key sets: names show up in audit trails and logs.
    if (!isKeySetName(request.name)) {
      throw invalidArgument(
        'name',
        'must be 1 to 64 characters of a-z, 0-9, "-" and "_", starting with a letter or digit',
      );
    }
    const grants = validateGrants(request.grants);
    if (request.ttlSeconds !== undefined && (request.ttlSeconds < 1 || request.ttlSeconds > MAX_TOKEN_TTL_SECONDS)) {
      throw invalidArgument('ttl', `must be from 1s to ${MAX_TOKEN_TTL_SECONDS}s (ten years)`);
    }
    const now = this.clock();
    const secret = generateApiToken();
    const token: ApiTokenRecord = {
      id: randomUUID(),
      name: request.name,
      tokenHash: hashToken(secret),
      grants,
      createdAt: now,
      createdBy: actor,
      expiresAt: request.ttlSeconds === undefined ? null : addSeconds(now, request.ttlSeconds),
      revokedAt: null,
      lastUsedAt: null,
    };
    await this.store.createApiToken(token, {
      at: now,
      kid: null,
      type: 'api_token.created',
      actor,
      reason: null,
      before: null,
      after: { id: token.id, name: token.name, grants, expiresAt: token.expiresAt },
    });
    await this.reload();
    return { token, secret };
  }

  /** Oldest first. */
  list(page: PageQuery<CreationPosition>): Promise<ApiTokenRecord[]> {
    return this.store.listApiTokens(page);
  }

  async revoke(id: string, reason: string, actor: string): Promise<ApiTokenRecord> {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw invalidArgument('id', 'must be a token id as ListApiTokens shows it');
    const why = validateReason(reason);
    const revoked = await this.store.revokeApiToken(id, {
      at: this.clock(),
      kid: null,
      type: 'api_token.revoked',
      actor,
      reason: why,
      before: { id, revoked: false },
      after: { id, revoked: true },
    });
    if (revoked === undefined) throw new KeywardError('NOT_FOUND', `API token ${id} does not exist`);
    await this.reload();
    return revoked;
  }
}
