// @vitest-environment node
// Every KeyService RPC through a real gRPC client over loopback, against a real PostgreSQL.
import { status } from '@grpc/grpc-js';
import { KeyState, KidScheme, RotationMode } from '@keyward/proto/keyward/v1';
import {
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';
import { describe, expect, it } from 'vitest';
import { useTestKeyward } from './support/keyward.js';
import { grpcError } from './support/grpc-errors.js';

const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

const kw = useTestKeyward();

function jwksOf(json: string) {
  return createLocalJWKSet(JSON.parse(json) as JSONWebKeySet);
}

describe('CreateKeySet', () => {
  it('creates a key set with its first active key, named by its RFC 7638 thumbprint', async () => {
    const created = await kw.rpc.createKeySet({
      keySet: 'orders',
      algorithm: 'ES384',
      issuer: 'https://orders.example.com',
      kidScheme: KidScheme.KID_SCHEME_UNSPECIFIED,
    });
    expect(created.keySet).toMatchObject({
      name: 'orders',
      algorithm: 'ES384',
      rsaModulusBits: 0,
      kidScheme: KidScheme.KID_SCHEME_JWK_THUMBPRINT,
      issuer: 'https://orders.example.com',
      jwksUri: 'http://issuer.test/key-sets/orders/.well-known/jwks.json',
    });
    const key = created.activeKey!;
    expect(key.state).toBe(KeyState.KEY_STATE_ACTIVE);
    expect(created.keySet!.activeKid).toBe(key.kid);
    const jwk = JSON.parse(key.publicJwkJson) as JWK;
    expect(Object.keys(jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
    const { calculateJwkThumbprint } = await import('jose');
    expect(key.kid).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('names keys randomly when the key set asks for it', async () => {
    const created = await kw.rpc.createKeySet({
      keySet: 'random-kids',
      algorithm: 'EdDSA',
      kidScheme: KidScheme.KID_SCHEME_RANDOM,
    });
    const { calculateJwkThumbprint } = await import('jose');
    const jwk = JSON.parse(created.activeKey!.publicJwkJson) as JWK;
    expect(created.activeKey!.kid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(created.activeKey!.kid).not.toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('refuses a duplicate name with ALREADY_EXISTS', async () => {
    await kw.rpc.createKeySet({ keySet: 'dup', algorithm: 'ES256', kidScheme: 0 });
    const error = await grpcError(kw.rpc.createKeySet({ keySet: 'dup', algorithm: 'ES256', kidScheme: 0 }));
    expect(error.code).toBe(status.ALREADY_EXISTS);
    expect(error.details).toBe('key set "dup" already exists');
  });

  it.each([
    [{ keySet: 'Bad Name', algorithm: 'ES256' }, /^key_set: /],
    [{ keySet: '', algorithm: 'ES256' }, /^key_set: /],
    [{ keySet: 'x'.repeat(65), algorithm: 'ES256' }, /^key_set: /],
    [{ keySet: 'ok', algorithm: 'HS256' }, /^algorithm: .*ES256/],
    [{ keySet: 'ok', algorithm: 'none' }, /^algorithm: /],
    [{ keySet: 'ok', algorithm: 'ES256', rsaModulusBits: 2048 }, /^rsa_modulus_bits: /],
    [{ keySet: 'ok', algorithm: 'RS256', rsaModulusBits: 1024 }, /^rsa_modulus_bits: /],
    [{ keySet: 'ok', algorithm: 'ES256', issuer: 'not a url' }, /^issuer: /],
    [{ keySet: 'ok', algorithm: 'ES256', issuer: 'https://a.example/?q=1' }, /^issuer: /],
  ])('refuses %j with INVALID_ARGUMENT naming the field', async (request, message) => {
    const error = await grpcError(kw.rpc.createKeySet({ kidScheme: 0, ...request }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(message);
  });
});

describe('GetKeySet and ListKeySets', () => {
  it('returns the default key set created at start, ES256, at the root jwks_uri', async () => {
    const { keySet } = await kw.rpc.getKeySet({ keySet: 'default' });
    expect(keySet).toMatchObject({
      name: 'default',
      algorithm: 'ES256',
      issuer: 'http://issuer.test',
      jwksUri: 'http://issuer.test/.well-known/jwks.json',
    });
    expect(keySet!.activeKid).not.toBe('');
  });

  it('lists every key set by name', async () => {
    await kw.rpc.createKeySet({ keySet: 'listed', algorithm: 'PS256', kidScheme: 0 });
    const { keySets } = await kw.rpc.listKeySets({});
    const names = keySets.map((keySet) => keySet.name);
    expect(names).toContain('listed');
    expect(names).toContain('default');
    expect(names).toEqual([...names].sort());
  });

  it('answers NOT_FOUND for an unknown key set and INVALID_ARGUMENT for a bad name', async () => {
    const missing = await grpcError(kw.rpc.getKeySet({ keySet: 'nope' }));
    expect(missing.code).toBe(status.NOT_FOUND);
    expect(missing.details).toBe('key set "nope" does not exist');
    const bad = await grpcError(kw.rpc.getKeySet({ keySet: '../etc' }));
    expect(bad.code).toBe(status.INVALID_ARGUMENT);
  });
});

describe('Sign', () => {
  it('signs claims as a JWT whose header the service writes, adding iat', async () => {
    const before = Math.floor(Date.now() / 1000);
    const signed = await kw.rpc.sign({
      keySet: 'default',
      claimsJson: JSON.stringify({ sub: 'user-1', aud: 'api', alg: 'none', kid: 'evil', crit: ['x'] }),
    });
    const header = decodeProtectedHeader(signed.jws);
    expect(header).toEqual({ alg: 'ES256', kid: signed.kid, typ: 'JWT' });
    const { jwksJson } = await kw.rpc.getJwks({ keySet: 'default' });
    const { payload } = await jwtVerify(signed.jws, jwksOf(jwksJson), { audience: 'api' });
    expect(payload.sub).toBe('user-1');
    // Claims named like header parameters stay claims: they cannot change verification.
    expect(payload.alg).toBe('none');
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
  });

  it('keeps a caller-supplied iat and honours typ', async () => {
    const signed = await kw.rpc.sign({
      keySet: 'default',
      claimsJson: JSON.stringify({ sub: 'a', iat: 1700000000 }),
      typ: 'at+jwt',
    });
    expect(decodeProtectedHeader(signed.jws).typ).toBe('at+jwt');
    const payload = JSON.parse(Buffer.from(signed.jws.split('.')[1]!, 'base64url').toString()) as JWTPayload;
    expect(payload.iat).toBe(1700000000);
  });

  it('signs an opaque payload as a compact JWS without typ', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const signed = await kw.rpc.sign({ keySet: 'default', payload: bytes });
    expect(decodeProtectedHeader(signed.jws)).toEqual({ alg: 'ES256', kid: signed.kid });
    const { jwksJson } = await kw.rpc.getJwks({ keySet: 'default' });
    const { payload } = await compactVerify(signed.jws, jwksOf(jwksJson));
    expect(Buffer.from(payload)).toEqual(bytes);
  });

  it.each([
    [{ claimsJson: '[1,2]' }, 'claims_json: must be a JSON object'],
    [{ claimsJson: 'null' }, 'claims_json: must be a JSON object'],
    [{ claimsJson: '{"sub":' }, 'claims_json: is not valid JSON'],
    [{ claimsJson: '{"exp":"tomorrow"}' }, 'claims_json.exp: must be a NumericDate (seconds since the epoch)'],
    [{ claimsJson: '{"aud":[1]}' }, 'claims_json.aud: must be a string or an array of strings'],
    [{ claimsJson: JSON.stringify({ big: 'x'.repeat(64 * 1024) }) }, /^claims_json: is \d+ bytes; the limit is 65536$/],
    [{ payload: Buffer.alloc(64 * 1024 + 1) }, 'payload: is 65537 bytes; the limit is 65536'],
    [{}, 'content: set claims_json (a JWT) or payload (opaque bytes)'],
    [{ claimsJson: '{}', typ: 'bad typ' }, /^typ: /],
  ])('refuses %# with INVALID_ARGUMENT', async (content, message) => {
    const error = await grpcError(kw.rpc.sign({ keySet: 'default', ...content }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    if (typeof message === 'string') expect(error.details).toBe(message);
    else expect(error.details).toMatch(message);
  });

  it('answers NOT_FOUND for an unknown key set', async () => {
    const error = await grpcError(kw.rpc.sign({ keySet: 'ghost', claimsJson: '{}' }));
    expect(error.code).toBe(status.NOT_FOUND);
  });
});

describe('GetJWKS', () => {
  it('returns the public keys only, with a strong ETag over the exact bytes', async () => {
    const { jwksJson, etag } = await kw.rpc.getJwks({ keySet: 'default' });
    const { createHash } = await import('node:crypto');
    expect(etag).toBe(`"${createHash('sha256').update(jwksJson).digest('base64url')}"`);
    const jwks = JSON.parse(jwksJson) as JSONWebKeySet;
    expect(jwks.keys).toHaveLength(1);
    expect(Object.keys(jwks.keys[0]!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y']);
  });

  it('serves the same bytes and ETag as the HTTP gateway', async () => {
    const { jwksJson, etag } = await kw.rpc.getJwks({ keySet: 'default' });
    const response = await fetch(`${kw.httpUrl}/.well-known/jwks.json`);
    expect(await response.text()).toBe(jwksJson);
    expect(response.headers.get('etag')).toBe(etag);
  });

  it('answers NOT_FOUND for an unknown key set', async () => {
    const error = await grpcError(kw.rpc.getJwks({ keySet: 'ghost' }));
    expect(error.code).toBe(status.NOT_FOUND);
  });
});

describe('Rotate and ListKeys', () => {
  it('activates a new key at once and keeps the previous one published as retired', async () => {
    await kw.rpc.createKeySet({ keySet: 'rotating', algorithm: 'ES256', kidScheme: 0 });
    const first = await kw.rpc.sign({ keySet: 'rotating', claimsJson: '{"n":1}' });
    const before = await kw.rpc.getJwks({ keySet: 'rotating' });

    const rotated = await kw.rpc.rotate({ keySet: 'rotating', reason: 'quarterly', mode: IMMEDIATE });
    expect(rotated.previousKid).toBe(first.kid);
    expect(rotated.newKey!.state).toBe(KeyState.KEY_STATE_ACTIVE);
    expect(rotated.newKey!.kid).not.toBe(first.kid);

    const second = await kw.rpc.sign({ keySet: 'rotating', claimsJson: '{"n":2}' });
    expect(second.kid).toBe(rotated.newKey!.kid);

    const after = await kw.rpc.getJwks({ keySet: 'rotating' });
    expect(after.etag).not.toBe(before.etag);
    const kids = (JSON.parse(after.jwksJson) as JSONWebKeySet).keys.map((key) => key.kid);
    expect(kids).toEqual([rotated.newKey!.kid, first.kid]);
    // Both the old token and the new one verify against the current JWKS.
    await expect(jwtVerify(first.jws, jwksOf(after.jwksJson))).resolves.toMatchObject({ payload: { n: 1 } });
    await expect(jwtVerify(second.jws, jwksOf(after.jwksJson))).resolves.toMatchObject({ payload: { n: 2 } });

    const { keys } = await kw.rpc.listKeys({ keySet: 'rotating' });
    expect(keys.map((key) => [key.kid, key.state])).toEqual([
      [first.kid, KeyState.KEY_STATE_RETIRED],
      [rotated.newKey!.kid, KeyState.KEY_STATE_ACTIVE],
    ]);
    const retired = keys[0]!;
    expect(retired.activatedAt).toBeInstanceOf(Date);
    expect(retired.retiredAt!.getTime()).toBeGreaterThanOrEqual(retired.activatedAt!.getTime());
    expect(keys[1]!.retiredAt).toBeUndefined();
  });

  it('records each key the rotation moved, with its reason and its actor, in the audit trail', async () => {
    const created = await kw.rpc.createKeySet({ keySet: 'audited', algorithm: 'ES256', kidScheme: 0 });
    const rotated = await kw.rpc.rotate({ keySet: 'audited', reason: 'suspected leak', mode: IMMEDIATE });
    const pg = await import('pg');
    const client = new pg.default.Client({ connectionString: kw.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT e.type, e.kid, e.actor, e.reason FROM key_events e JOIN key_sets s ON s.id = e.key_set_id
         WHERE s.name = 'audited' ORDER BY e.id`,
      );
      expect(rows).toEqual([
        expect.objectContaining({ type: 'key_set.created', actor: 'token:KEYWARD_ADMIN_TOKEN' }),
        {
          type: 'key.rotation_requested',
          kid: rotated.newKey!.kid,
          actor: 'token:KEYWARD_ADMIN_TOKEN',
          reason: 'suspected leak',
        },
        {
          type: 'key.retired',
          kid: created.activeKey!.kid,
          actor: 'token:KEYWARD_ADMIN_TOKEN',
          reason: 'suspected leak',
        },
        {
          type: 'key.activated',
          kid: rotated.newKey!.kid,
          actor: 'token:KEYWARD_ADMIN_TOKEN',
          reason: 'suspected leak',
        },
      ]);
    } finally {
      await client.end();
    }
  });

  it('answers NOT_FOUND for unknown key sets', async () => {
    expect((await grpcError(kw.rpc.rotate({ keySet: 'ghost', reason: '', mode: IMMEDIATE }))).code).toBe(
      status.NOT_FOUND,
    );
    expect((await grpcError(kw.rpc.listKeys({ keySet: 'ghost' }))).code).toBe(status.NOT_FOUND);
  });

  it('serializes concurrent rotations: each sees the previous one and one key stays active', async () => {
    await kw.rpc.createKeySet({ keySet: 'storm', algorithm: 'ES256', kidScheme: 0 });
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => kw.rpc.rotate({ keySet: 'storm', reason: `r${i}`, mode: IMMEDIATE })),
    );
    const { keys } = await kw.rpc.listKeys({ keySet: 'storm' });
    expect(keys).toHaveLength(6);
    expect(keys.filter((key) => key.state === KeyState.KEY_STATE_ACTIVE)).toHaveLength(1);
    const previous = new Set(results.map((result) => result.previousKid));
    expect(previous.size).toBe(5);
  });
});

describe('authentication', () => {
  it.each([
    ['no token', null],
    ['a wrong token', 'kw_wrong'],
    ['an empty token', ''],
  ])('refuses %s with UNAUTHENTICATED on every RPC', async (_label, token) => {
    const calls = [
      kw.rpc.listKeySets({}, token),
      kw.rpc.getKeySet({ keySet: 'default' }, token),
      kw.rpc.sign({ keySet: 'default', claimsJson: '{}' }, token),
      kw.rpc.getJwks({ keySet: 'default' }, token),
      kw.rpc.rotate({ keySet: 'default', reason: '', mode: IMMEDIATE }, token),
      kw.rpc.listKeys({ keySet: 'default' }, token),
      kw.rpc.createKeySet({ keySet: 'intruder', algorithm: 'ES256', kidScheme: 0 }, token),
    ];
    for (const call of calls) {
      expect((await grpcError(call)).code).toBe(status.UNAUTHENTICATED);
    }
    const { keySets } = await kw.rpc.listKeySets({});
    expect(keySets.map((keySet) => keySet.name)).not.toContain('intruder');
  });
});
