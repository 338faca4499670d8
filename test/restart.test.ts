// @vitest-environment node
// Keys survive a restart, and a restart with the wrong master key is refused rather than papered over.
import { RotationMode } from '@keyward/proto/keyward/v1';
import { jwtVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { newMasterKey, startTestKeyward } from './support/keyward.js';

const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

it('serves the same keys, JWKS bytes and signer after a restart', async () => {
  const masterKey = newMasterKey();
  const first = await startTestKeyward({ databaseUrl: database.url, masterKey });
  await first.rpc.createKeySet({ keySet: 'durable', algorithm: 'RS256', kidScheme: 0 });
  await first.rpc.rotate({ keySet: 'durable', reason: 'before restart', mode: IMMEDIATE });
  const before = await first.rpc.getJwks({ keySet: 'durable' });
  const token = await first.rpc.sign({ keySet: 'durable', claimsJson: '{"sub":"s"}' });
  await first.stop();

  const second = await startTestKeyward({ databaseUrl: database.url, masterKey });
  try {
    const after = await second.rpc.getJwks({ keySet: 'durable' });
    expect(after).toEqual(before);
    const signed = await second.rpc.sign({ keySet: 'durable', claimsJson: '{"sub":"t"}' });
    expect(signed.kid).toBe(token.kid);
    const jwks = createLocalJWKSet(JSON.parse(after.jwksJson) as JSONWebKeySet);
    await expect(jwtVerify(token.jws, jwks)).resolves.toBeDefined();
    await expect(jwtVerify(signed.jws, jwks)).resolves.toBeDefined();
    // `default` was created by the first start only.
    const { keySets } = await second.rpc.listKeySets({});
    expect(keySets.filter((keySet) => keySet.name === 'default')).toHaveLength(1);
  } finally {
    await second.stop();
  }
});

it('refuses to start with a different master key, naming both key ids', async () => {
  const wrong = newMasterKey();
  const attempt = startTestKeyward({ databaseUrl: database.url, masterKey: wrong });
  await expect(attempt).rejects.toThrow(
    new RegExp(`configured master key \\(id ${wrong.id}\\) is not the one this database's keys are sealed under`),
  );
});
