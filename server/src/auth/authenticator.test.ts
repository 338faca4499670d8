import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import type { ApiTokenRecord } from '../model/api-token.js';
import { TokenAuthenticator } from './authenticator.js';
import { generateApiToken, hashToken } from './tokens.js';

const NOW = new Date('2026-01-01T00:00:00Z');
const GRANTS = [{ keySet: 'payments', scopes: ['sign'] as const }];

function record(name: string, token: string, extra: Partial<ApiTokenRecord> = {}): ApiTokenRecord {
  return {
    id: name,
    name,
    tokenHash: hashToken(token),
    grants: GRANTS,
    createdAt: new Date(0),
    createdBy: null,
    expiresAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...extra,
  };
}

describe('TokenAuthenticator', () => {
  const good = generateApiToken();
  const expired = generateApiToken();
  const revoked = generateApiToken();
  const authenticator = new TokenAuthenticator([
    record('good', good),
    record('expired', expired, { expiresAt: NOW }),
    record('revoked', revoked, { revokedAt: new Date(0) }),
  ]);

  it('returns the principal of a known token, with its grants', async () => {
    await expect(authenticator.authenticate(`Bearer ${good}`, NOW)).resolves.toEqual({
      id: 'good',
      kind: 'token',
      name: 'good',
      grants: GRANTS,
      expiresAt: null,
    });
  });

  it.each([
    ['no header', undefined, 'missing `authorization: Bearer <token>` metadata'],
    ['another scheme', `Basic ${good}`, 'missing `authorization: Bearer <token>` metadata'],
    ['an unknown token', `Bearer ${generateApiToken()}`, 'the bearer token is not valid'],
    ['a revoked token', `Bearer ${revoked}`, 'the bearer token is not valid'],
    ['an expired token', `Bearer ${expired}`, 'the bearer token has expired'],
    [
      'a token with one character changed',
      `Bearer ${good.slice(0, -1)}${good.endsWith('A') ? 'B' : 'A'}`,
      'the bearer token is not valid',
    ],
  ])('refuses %s with UNAUTHENTICATED', async (_label, header, message) => {
    await expect(authenticator.authenticate(header, NOW)).rejects.toThrow(new KeywardError('UNAUTHENTICATED', message));
  });

  it('accepts a token of any characters, not only the kw_ tokens it generates', async () => {
    const chosen = 'n0t+a/kw_token+but=an/operator+choice==';
    const withChosen = new TokenAuthenticator([record('chosen', chosen)]);
    expect((await withChosen.authenticate(`Bearer ${chosen}`, NOW)).name).toBe('chosen');
    await expect(withChosen.authenticate(`Bearer ${chosen.slice(1)}`, NOW)).rejects.toThrow(
      'the bearer token is not valid',
    );
  });

  it('forgets revoked tokens when reloaded, and keeps the last use of each token until drained', async () => {
    const reloaded = new TokenAuthenticator([record('good', good)]);
    await reloaded.authenticate(`Bearer ${good}`, new Date(1_000));
    await reloaded.authenticate(`Bearer ${good}`, new Date(2_000));
    expect(reloaded.drainLastUsed()).toEqual([{ tokenId: 'good', at: new Date(2_000) }]);
    expect(reloaded.drainLastUsed()).toEqual([]);
    reloaded.replace([record('good', good, { revokedAt: new Date(3_000) })]);
    await expect(reloaded.authenticate(`Bearer ${good}`, NOW)).rejects.toThrow('the bearer token is not valid');
  });

  it('generates distinct 256-bit tokens with a recognisable prefix', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateApiToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(/^kw_[A-Za-z0-9_-]{43}$/);
  });
});
