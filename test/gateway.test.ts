// @vitest-environment node
// The public endpoints of a running service, over real HTTP.
import { RotationMode } from '@keyward/proto/keyward/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestKeyward } from './support/keyward.js';

const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

const kw = useTestKeyward({ jwksMaxAgeSeconds: 120 });

beforeAll(async () => {
  await kw.rpc.createKeySet({
    keySet: 'web',
    algorithm: 'RS256',
    issuer: 'https://login.example.com',
    kidScheme: 0,
  });
});

describe('jwks_uri', () => {
  it('serves the JWKS with the caching and CORS headers clients rely on', async () => {
    const response = await fetch(`${kw.httpUrl}/key-sets/web/.well-known/jwks.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
    expect(response.headers.get('cache-control')).toBe(
      'public, max-age=120, stale-while-revalidate=60, stale-if-error=86400',
    );
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const { jwksJson, etag } = await kw.rpc.getJwks({ keySet: 'web' });
    expect(response.headers.get('etag')).toBe(etag);
    expect(await response.text()).toBe(jwksJson);
  });

  it('answers a matching If-None-Match with 304 and no body, and a stale one with 200', async () => {
    const { etag } = await kw.rpc.getJwks({ keySet: 'web' });
    const notModified = await fetch(`${kw.httpUrl}/key-sets/web/.well-known/jwks.json`, {
      headers: { 'if-none-match': etag },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(await notModified.text()).toBe('');

    await kw.rpc.rotate({ keySet: 'web', reason: 'etag test', mode: IMMEDIATE });
    const changed = await fetch(`${kw.httpUrl}/key-sets/web/.well-known/jwks.json`, {
      headers: { 'if-none-match': etag },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { keys: unknown[] }).keys).toHaveLength(2);
  });

  it('serves key set `default` at the root', async () => {
    const root = await fetch(`${kw.httpUrl}/.well-known/jwks.json`);
    const named = await fetch(`${kw.httpUrl}/key-sets/default/.well-known/jwks.json`);
    expect(root.status).toBe(200);
    expect(await root.text()).toBe(await named.text());
  });

  it('answers an unknown key set with a JSON 404 and other methods with 405', async () => {
    const missing = await fetch(`${kw.httpUrl}/key-sets/ghost/.well-known/jwks.json`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: 'not_found',
      error_description: 'key set "ghost" does not exist',
    });
    const post = await fetch(`${kw.httpUrl}/.well-known/jwks.json`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
  });
});

describe('discovery', () => {
  it('publishes issuer, jwks_uri and the signing algorithms of a key set', async () => {
    const response = await fetch(`${kw.httpUrl}/key-sets/web/.well-known/openid-configuration`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      issuer: 'https://login.example.com',
      jwks_uri: 'http://issuer.test/key-sets/web/.well-known/jwks.json',
      id_token_signing_alg_values_supported: ['RS256'],
    });
  });

  it('derives the default key set issuer from the public URL', async () => {
    const response = await fetch(`${kw.httpUrl}/.well-known/openid-configuration`);
    expect(await response.json()).toEqual({
      issuer: 'http://issuer.test',
      jwks_uri: 'http://issuer.test/.well-known/jwks.json',
      id_token_signing_alg_values_supported: ['ES256'],
    });
  });
});

describe('health', () => {
  it('is alive and ready once keys are loaded and the database answers', async () => {
    const alive = await fetch(`${kw.httpUrl}/healthz`);
    expect(alive.status).toBe(200);
    const ready = await fetch(`${kw.httpUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
