import { randomUUID } from 'node:crypto';
import type { KeyStore } from '../store/key-store.js';
import type { ApiTokenRecord } from '../model/api-token.js';
import { EVERY_KEY_SET } from '../model/grants.js';
import { generateApiToken, hashToken } from './tokens.js';

export interface AdminTokenOutcome {
  /** Set only when a token was generated now: it must be shown once and never again. */
  readonly generated: string | undefined;
}

/**
 * KEYWARD_ADMIN_TOKEN, when set, always works. Without it, the first start generates one so a new
 * installation is usable; later starts leave the existing tokens alone.
 */
export async function ensureAdminToken(
  store: KeyStore,
  configured: string | undefined,
  now: Date,
): Promise<AdminTokenOutcome> {
  if (configured !== undefined) {
    await store.ensureApiToken(adminTokenRecord('KEYWARD_ADMIN_TOKEN', configured, now));
    return { generated: undefined };
  }
  if ((await store.listApiTokens()).length > 0) return { generated: undefined };
  const token = generateApiToken();
  const inserted = await store.ensureApiToken(adminTokenRecord('initial-admin', token, now));
  return { generated: inserted ? token : undefined };
}

function adminTokenRecord(name: string, token: string, now: Date): ApiTokenRecord {
  return {
    id: randomUUID(),
    name,
    tokenHash: hashToken(token),
    grants: [{ keySet: EVERY_KEY_SET, scopes: ['admin'] }],
    createdAt: now,
    createdBy: null,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
  };
}
