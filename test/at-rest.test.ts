// @vitest-environment node
// What a database dump shows: every row of every table, rendered as text, holds no private key in
// any encoding and no API token.
import { RotationMode } from '@keyward/proto/keyward/v1';
import { createPrivateKey } from 'node:crypto';
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { openKey } from '../server/src/keyring/sealing.js';
import { TEST_ADMIN_TOKEN, useTestKeyward } from './support/keyward.js';

const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

const ALGORITHMS = ['RS256', 'PS384', 'ES256', 'ES384', 'ES512', 'EdDSA'];

const kw = useTestKeyward();

beforeAll(async () => {
  for (const alg of ALGORITHMS) {
    await kw.rpc.createKeySet({ keySet: `rest-${alg.toLowerCase()}`, algorithm: alg, kidScheme: 0 });
    await kw.rpc.rotate({ keySet: `rest-${alg.toLowerCase()}`, reason: 'two keys each', mode: IMMEDIATE });
  }
});

/** Every table as text, bytea columns both as hex (as pg_dump writes them) and as raw bytes. */
async function dump(): Promise<{ text: string; bytes: Buffer[] }> {
  const client = new pg.Client({ connectionString: kw.databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
    );
    let text = '';
    const bytes: Buffer[] = [];
    for (const { tablename } of tables) {
      const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM "${tablename}"`);
      for (const row of rows) {
        for (const value of Object.values(row)) {
          if (Buffer.isBuffer(value)) {
            bytes.push(value);
            text += `\\x${value.toString('hex')}\n`;
          } else {
            text += `${JSON.stringify(value)}\n`;
          }
        }
      }
    }
    return { text, bytes };
  } finally {
    await client.end();
  }
}

interface KeyRow {
  id: string;
  key_set_id: string;
  kid: string;
  encrypted_private_key: Buffer;
  wrapped_data_key: Buffer;
  master_key_id: string;
}

async function keyRows(): Promise<KeyRow[]> {
  const client = new pg.Client({ connectionString: kw.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<KeyRow>(
      'SELECT id, key_set_id, kid, encrypted_private_key, wrapped_data_key, master_key_id FROM keys ORDER BY kid',
    );
    return rows;
  } finally {
    await client.end();
  }
}

const identityOf = (row: KeyRow) => ({ id: row.id, keySetId: row.key_set_id, kid: row.kid });
const sealedOf = (row: KeyRow) => ({
  ciphertext: row.encrypted_private_key,
  wrappedDataKey: row.wrapped_data_key,
  masterKeyId: row.master_key_id,
});

async function privateKeysOfEveryStoredKey() {
  return (await keyRows()).map((row) => openKey(identityOf(row), sealedOf(row), kw.masterKeys));
}

it('holds no private key as PEM, DER, base64, base64url, hex or JWK member', async () => {
  const { text, bytes } = await dump();
  const keys = await privateKeysOfEveryStoredKey();
  // Two per algorithm, plus the keys of `default` and `keyward-internal`.
  expect(keys.length).toBe(ALGORITHMS.length * 2 + 2);
  for (const key of keys) {
    const der = createPrivateKey(key.export({ format: 'pem', type: 'pkcs8' })).export({ format: 'der', type: 'pkcs8' });
    const pemBody = (key.export({ format: 'pem', type: 'pkcs8' }) as string).split('\n')[1]!;
    const jwk = key.export({ format: 'jwk' });
    const needles = [pemBody, der.toString('base64'), der.toString('base64url'), der.toString('hex'), jwk.d!];
    for (const needle of needles) expect(text.includes(needle)).toBe(false);
    // The raw key bytes: any 16-byte window of the DER or of the secret scalar.
    const secret = Buffer.from(jwk.d!, 'base64url');
    for (const source of [der, secret]) {
      const window = source.subarray(source.length - 16);
      for (const column of bytes) expect(column.includes(window)).toBe(false);
    }
  }
});

it('holds no API token in clear, only its hash', async () => {
  const { text, bytes } = await dump();
  expect(text.includes(TEST_ADMIN_TOKEN)).toBe(false);
  expect(text.includes(Buffer.from(TEST_ADMIN_TOKEN).toString('hex'))).toBe(false);
  for (const column of bytes) expect(column.includes(Buffer.from(TEST_ADMIN_TOKEN))).toBe(false);
});

it('logs no token and no key material', async () => {
  const keys = await privateKeysOfEveryStoredKey();
  const logs = kw.logs.join('\n');
  expect(kw.logs.length).toBeGreaterThan(0);
  expect(logs.includes(TEST_ADMIN_TOKEN)).toBe(false);
  for (const key of keys) expect(logs.includes(key.export({ format: 'jwk' }).d!)).toBe(false);
});

it('refuses to open a sealed key moved to another row', async () => {
  const [a, b] = (await keyRows()) as [KeyRow, KeyRow];
  expect(() => openKey(identityOf(a), sealedOf(a), kw.masterKeys)).not.toThrow();
  expect(() => openKey(identityOf(b), sealedOf(a), kw.masterKeys)).toThrow(/moved to another row/);
});
