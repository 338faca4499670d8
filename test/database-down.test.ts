// @vitest-environment node
// With the database gone, changes are refused with UNAVAILABLE while signing, the JWKS over gRPC and
// the HTTP gateway keep serving from memory; when it is back, changes work again.
import { RotationMode } from '@keyward/proto/keyward/v1';
import { status, type ServiceError } from '@grpc/grpc-js';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startTestKeyward, type TestKeyward } from './support/keyward.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';

const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

let database: TestDatabase;
let proxy: TcpProxy;
let kw: TestKeyward;

beforeAll(async () => {
  database = await createTestDatabase();
  const target = new URL(database.url);
  proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
  const viaProxy = new URL(database.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  kw = await startTestKeyward({ databaseUrl: viaProxy.toString() });
});

afterAll(async () => {
  await kw?.stop();
  await proxy?.close();
  await database?.drop();
});

it('keeps serving reads and signatures from memory and refuses writes with UNAVAILABLE', async () => {
  await kw.rpc.createKeySet({ keySet: 'resilient', algorithm: 'ES256', kidScheme: 0 });
  const jwksBefore = await kw.rpc.getJwks({ keySet: 'resilient' });
  expect((await fetch(`${kw.httpUrl}/readyz`)).status).toBe(200);

  await proxy.cut();

  const signed = await kw.rpc.sign({ keySet: 'resilient', claimsJson: '{"sub":"offline"}' });
  await expect(
    jwtVerify(signed.jws, createLocalJWKSet(JSON.parse(jwksBefore.jwksJson) as JSONWebKeySet)),
  ).resolves.toBeDefined();
  expect(await kw.rpc.getJwks({ keySet: 'resilient' })).toEqual(jwksBefore);
  const http = await fetch(`${kw.httpUrl}/key-sets/resilient/.well-known/jwks.json`);
  expect(http.status).toBe(200);
  expect(await http.text()).toBe(jwksBefore.jwksJson);
  expect((await kw.rpc.listKeys({ keySet: 'resilient' })).keys).toHaveLength(1);

  const ready = await fetch(`${kw.httpUrl}/readyz`);
  expect(ready.status).toBe(503);
  expect(await ready.json()).toEqual({ status: 'not_ready', reason: 'the database is unreachable' });

  for (const write of [
    kw.rpc.rotate({ keySet: 'resilient', reason: 'while down', mode: IMMEDIATE }),
    kw.rpc.createKeySet({ keySet: 'while-down', algorithm: 'ES256', kidScheme: 0 }),
  ]) {
    const error = (await write.then(
      () => undefined,
      (e: unknown) => e,
    )) as ServiceError;
    expect(error.code).toBe(status.UNAVAILABLE);
    expect(error.details).toMatch(/^the database is unavailable/);
  }

  await proxy.restore();
  const rotated = await kw.rpc.rotate({ keySet: 'resilient', reason: 'back', mode: IMMEDIATE });
  expect(rotated.previousKid).toBe(signed.kid);
  expect((await fetch(`${kw.httpUrl}/readyz`)).status).toBe(200);
});
