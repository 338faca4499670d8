// @vitest-environment node
// Master-key rotation as an operator does it: add the new key, re-wrap online, drop the old one.
// And the start-up check that opens every stored key and names the ones that do not open.
import { RotationMode } from '@keyward/proto/keyward/v1';
import type { JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MasterKeyRing } from '../server/src/crypto/master-key-ring.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { newMasterKey, startTestKeyward } from './support/keyward.js';
import { queryDatabase } from './support/sql.js';

let database: TestDatabase;
const oldKey = newMasterKey();
const newKey = newMasterKey();

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

const sealedUnder = async () =>
  (
    await queryDatabase<{ kid: string; master_key_id: string }>(
      database.url,
      'SELECT kid, master_key_id FROM keys ORDER BY kid',
    )
  ).map((row) => row.master_key_id);

it('rotates the master key online: new keys under the newest, RewrapKeys moves the rest, the old key can go', async () => {
  const first = await startTestKeyward({ databaseUrl: database.url, masterKey: oldKey });
  await first.rpc.createKeySet({ keySet: 'rsa', algorithm: 'RS256', kidScheme: 0 });
  await first.rpc.rotate({ keySet: 'rsa', reason: 'two keys', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
  const jwksBefore = await first.rpc.getJwks({ keySet: 'rsa' });
  await first.stop();
  expect(new Set(await sealedUnder())).toEqual(new Set([oldKey.id]));

  const both = await startTestKeyward({ databaseUrl: database.url, masterKeys: new MasterKeyRing([oldKey, newKey]) });
  try {
    const minted = await both.rpc.rotate({
      keySet: 'rsa',
      reason: 'under the new key',
      mode: RotationMode.ROTATION_MODE_IMMEDIATE,
    });
    const [row] = await queryDatabase<{ master_key_id: string }>(
      database.url,
      'SELECT master_key_id FROM keys WHERE kid = $1',
      [minted.newKey!.kid],
    );
    expect(row?.master_key_id).toBe(newKey.id);

    const rewrapped = await both.rpc.rewrapKeys({});
    // The keys of default and keyward-internal and rsa's two older keys; the newest rsa key is
    // already under the new master key.
    expect(rewrapped).toEqual({ rewrapped: 4, remaining: 0, masterKeyId: newKey.id });
    expect(new Set(await sealedUnder())).toEqual(new Set([newKey.id]));
    expect(await both.rpc.rewrapKeys({})).toEqual({ rewrapped: 0, remaining: 0, masterKeyId: newKey.id });
    const events = await both.rpc.listEvents({ keySet: 'rsa', kid: '', pageSize: 100, pageToken: '' });
    expect(events.events.filter((event) => event.type === 'key.rewrapped')).toHaveLength(2);
  } finally {
    await both.stop();
  }

  const onlyNew = await startTestKeyward({ databaseUrl: database.url, masterKey: newKey });
  try {
    const jwks = await onlyNew.rpc.getJwks({ keySet: 'rsa' });
    expect((JSON.parse(jwks.jwksJson) as JSONWebKeySet).keys.slice(1)).toEqual(
      (JSON.parse(jwksBefore.jwksJson) as JSONWebKeySet).keys,
    );
    await expect(onlyNew.rpc.sign({ keySet: 'rsa', claimsJson: '{}' })).resolves.toMatchObject({ alg: 'RS256' });
  } finally {
    await onlyNew.stop();
  }

  // The old key alone opens nothing any more, and the refusal names every key it cannot open.
  await expect(startTestKeyward({ databaseUrl: database.url, masterKey: oldKey })).rejects.toThrow(
    new RegExp(
      `stored key\\(s\\) cannot be decrypted: .*rsa/.*is sealed under master key ${newKey.id}, which is not configured`,
    ),
  );
});

it('refuses to start when a stored key does not decrypt, naming it', async () => {
  const [victim] = await queryDatabase<{ kid: string }>(
    database.url,
    "SELECT kid FROM keys WHERE state = 'RETIRED' LIMIT 1",
  );
  await queryDatabase(
    database.url,
    'UPDATE keys SET encrypted_private_key = set_byte(encrypted_private_key, 40, get_byte(encrypted_private_key, 40) # 1) WHERE kid = $1',
    [victim!.kid],
  );
  await expect(startTestKeyward({ databaseUrl: database.url, masterKey: newKey })).rejects.toThrow(
    new RegExp(`1 stored key\\(s\\) cannot be decrypted: rsa/${victim!.kid}: `),
  );
});
