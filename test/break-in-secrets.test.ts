// @vitest-environment node
// Break-in: nothing secret leaks. Keys of every algorithm are driven through every state (fake
// clock, scheduled and immediate rotations, revocation, the scheduler); then every answer a caller
// gets — each read RPC's message as it crossed the wire, refusals included, the HTTP JWKS and
// discovery documents — a database dump and the service's own log are searched for private key
// material in every encoding (recovered from the database with the master key, the way
// test/at-rest.test.ts does), API token secrets, staff passwords and session tokens, the master
// key and the secrets derived from it, the database password and what identifies the clients that
// fetched the JWKS.
import { status, type ServiceError } from '@grpc/grpc-js';
import { KeySetPolicy, KeyState, Role, RotationMode, Scope, type Key } from '@keyward/proto/keyward/v1';
import { createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSecret } from '../server/src/crypto/derived-keys.js';
import { openKey } from '../server/src/keyring/sealing.js';
import {
  countJwks,
  dumpDatabase,
  findNeedles,
  haystackOf,
  keyBytesNeedles,
  privateJsonMembers,
  privateKeyNeedles,
  secretNeedles,
  WireRecorder,
  type Dump,
  type Needles,
  type Seen,
} from './support/break-in-secrets.js';
import { TEST_ADMIN_TOKEN, useTestKeyward } from './support/keyward.js';
import { queryDatabase } from './support/sql.js';

let now = new Date('2031-03-01T00:00:00.000Z');
const kw = useTestKeyward({ clock: () => now });

function advance(seconds: number): void {
  now = new Date(now.getTime() + seconds * 1_000);
}

const ALGORITHMS = [
  { alg: 'RS256', rsaModulusBits: 2048 },
  { alg: 'PS384' },
  { alg: 'ES256' },
  { alg: 'ES384' },
  { alg: 'ES512' },
  { alg: 'EdDSA' },
] as const;
const keySetOf = (alg: string) => `sec-${alg.toLowerCase()}`;
const KEY_SETS = ALGORITHMS.map(({ alg }) => keySetOf(alg));

// Short periods, so a fake clock reaches every state in minutes: max_token_ttl 300 s (grace must
// cover it plus the 300 s JWKS max-age), grace 700 s, retention 1000 s, and no automatic rotation.
const GRACE = 700;
const RETENTION = 1_000;
const POLICY = KeySetPolicy.fromPartial({
  maxTokenTtl: { seconds: '300', nanos: 0 },
  gracePeriod: { seconds: String(GRACE), nanos: 0 },
  retentionPeriod: { seconds: String(RETENTION), nanos: 0 },
  autoRotate: false,
});

const EVERY_STATE = [
  KeyState.KEY_STATE_PENDING,
  KeyState.KEY_STATE_ACTIVE,
  KeyState.KEY_STATE_RETIRED,
  KeyState.KEY_STATE_EXPIRED,
  KeyState.KEY_STATE_DESTROYED,
  KeyState.KEY_STATE_REVOKED,
];

/**
 * Staff passwords: the account's own, a wrong guess, and a "username" that is really a password
 * typed in the wrong field (only a keyed hash of it may be kept, for the login throttle).
 */
const PASSWORDS = {
  staff: `pw-${randomBytes(18).toString('base64url')}`,
  wrongGuess: `pw-${randomBytes(18).toString('base64url')}`,
  typedAsUsername: randomBytes(18).toString('hex'),
};
/** The secrets Keyward derives from a master key, by purpose (crypto/derived-keys.ts). */
const DERIVED_SECRETS = ['jwks-client-sightings', 'login-throttle'];

/** A User-Agent nobody else sends: the gateway sees it on every JWKS fetch made here. */
const USER_AGENT = `break-in-secrets/${randomBytes(12).toString('base64url')}`;

let wire: WireRecorder;
/** Every private key the database ever held here, by key-set id and kid: destroyed ones included. */
const privateKeys = new Map<string, KeyObject>();
/**
 * Every bearer secret: the admin token, each API token made here with the CreateApiToken answer
 * that carried it, and a staff session token with the Login answer that carried it.
 */
const tokens: { name: string; secret: string; createdIn: Seen | undefined }[] = [];
let readerToken = '';
/** The final ListKeys of each key set. */
const finalKeys = new Map<string, Key[]>();

interface KeyRow {
  id: string;
  key_set_id: string;
  kid: string;
  encrypted_private_key: Buffer | null;
  wrapped_data_key: Buffer | null;
  master_key_id: string | null;
}

/** Opens every private key the database holds now (as test/at-rest.test.ts does) and keeps it. */
async function harvestPrivateKeys(): Promise<void> {
  const rows = await queryDatabase<KeyRow>(
    kw.databaseUrl,
    'SELECT id, key_set_id, kid, encrypted_private_key, wrapped_data_key, master_key_id FROM keys',
  );
  for (const row of rows) {
    if (row.encrypted_private_key === null || row.wrapped_data_key === null || row.master_key_id === null) continue;
    const sealed = {
      ciphertext: row.encrypted_private_key,
      wrappedDataKey: row.wrapped_data_key,
      masterKeyId: row.master_key_id,
    };
    privateKeys.set(
      `${row.key_set_id}/${row.kid}`,
      openKey({ id: row.id, keySetId: row.key_set_id, kid: row.kid }, sealed, kw.masterKeys),
    );
  }
}

async function createToken(
  name: string,
  grants: { keySet: string; scopes: Scope[] }[],
  ttlSeconds?: number,
): Promise<string> {
  const created = await wire.call('createApiToken', {
    name,
    grants,
    ...(ttlSeconds === undefined ? {} : { ttl: { seconds: String(ttlSeconds), nanos: 0 } }),
  });
  tokens.push({ name, secret: created.secret, createdIn: wire.seen.at(-1) });
  return created.secret;
}

async function allEventPages(
  request: { keySet: string; kid: string },
  pageSize: number,
  label: string,
  token?: string,
): Promise<void> {
  let pageToken = '';
  for (let page = 0; page < 1_000; page += 1) {
    const { nextPageToken } = await wire.call(
      'listEvents',
      { ...request, pageSize, pageToken },
      `${label} page ${page}`,
      token,
    );
    if (nextPageToken === '') return;
    pageToken = nextPageToken;
  }
  throw new Error(`ListEvents ${label}: more than 1,000 pages`);
}

/** Every read RPC on every key set, and the gateway's documents, as admin and as a reader. */
async function readEverything(stage: string): Promise<void> {
  for (const name of ['default', ...KEY_SETS]) {
    const label = `${name} @${stage}`;
    await wire.call('getKeySet', { keySet: name }, label);
    await wire.call('getJwks', { keySet: name }, label);
    const { keys } = await wire.call('listKeys', { keySet: name }, label);
    await wire.call('getKeyTimeline', { keySet: name }, label);
    await wire.call('getRotationReadiness', { keySet: name }, label);
    await allEventPages({ keySet: name, kid: '' }, 7, label);
    for (const key of keys) await allEventPages({ keySet: '', kid: key.kid }, 50, `${label} kid ${key.kid}`);
    if (name !== 'default') {
      await wire.call('listKeys', { keySet: name }, `${label} as reader`, readerToken);
      await wire.call('getKeySet', { keySet: name }, `${label} as reader`, readerToken);
    }
    const base = name === 'default' ? kw.httpUrl : `${kw.httpUrl}/key-sets/${name}`;
    const headers = { 'user-agent': USER_AGENT };
    const jwks = await wire.http(`${base}/.well-known/jwks.json`, { headers });
    await wire.http(`${base}/.well-known/jwks.json`, {
      headers: { ...headers, 'if-none-match': jwks.headers.get('etag') ?? '' },
    });
    await wire.http(`${base}/.well-known/jwks.json`, { method: 'HEAD', headers });
    await wire.http(`${base}/.well-known/openid-configuration`, { headers });
  }
  await wire.call('listKeySets', {}, `@${stage}`);
  await wire.call('listKeySets', {}, `@${stage} as reader`, readerToken);
  await wire.call('listApiTokens', {}, `@${stage}`);
  await wire.call('listUsers', {}, `@${stage}`);
  await wire.call('whoAmI', {}, `@${stage}`);
  for (const token of tokens) {
    await wire.call('whoAmI', {}, `@${stage} as ${token.name}`, token.secret).catch(() => undefined); // the revoked one is refused
  }
  await allEventPages({ keySet: '', kid: '' }, 50, `all @${stage}`);
}

async function keysOf(keySet: string): Promise<Key[]> {
  return (await kw.rpc.listKeys({ keySet })).keys;
}

async function tick(): Promise<void> {
  await kw.running.scheduler.tick();
}

beforeAll(async () => {
  wire = new WireRecorder(kw.client, TEST_ADMIN_TOKEN);
  tokens.push({ name: 'admin', secret: TEST_ADMIN_TOKEN, createdIn: undefined });
  readerToken = await createToken(
    'sec-reader',
    KEY_SETS.map((keySet) => ({ keySet, scopes: [Scope.SCOPE_READ] })),
  );
  await createToken('sec-signer', [{ keySet: keySetOf('EdDSA'), scopes: [Scope.SCOPE_SIGN] }], 86_400);
  await createToken('sec-admin', [{ keySet: '*', scopes: [Scope.SCOPE_ADMIN] }], 86_400);
  const revoked = await createToken('sec-revoked', [{ keySet: keySetOf('ES256'), scopes: [Scope.SCOPE_READ] }]);
  const { tokens: listed } = await kw.rpc.listApiTokens({});
  await wire.call('revokeApiToken', {
    id: listed.find((token) => token.name === 'sec-revoked')!.id,
    reason: 'leaked in a test',
  });
  expect(revoked).toMatch(/^kw_/);

  // A staff account, its session, and failed logins (which the throttle and the audit trail record).
  await wire.call('createUser', { username: 'sec-staff', password: PASSWORDS.staff, role: Role.ROLE_OPERATOR });
  const { sessionToken } = await wire.call('login', { username: 'sec-staff', password: PASSWORDS.staff });
  tokens.push({ name: 'sec-staff session', secret: sessionToken, createdIn: wire.seen.at(-1) });
  for (const attempt of [
    { username: 'sec-staff', password: PASSWORDS.wrongGuess },
    { username: PASSWORDS.typedAsUsername, password: PASSWORDS.staff },
  ]) {
    const refused = await wire.call('login', attempt).then(
      () => 'ok',
      (error: ServiceError) => error.code,
    );
    expect(refused).toBe(status.UNAUTHENTICATED);
  }

  // t0: the first key of each key set signs (k1 ACTIVE).
  for (const { alg, ...rest } of ALGORITHMS) {
    await wire.call('createKeySet', { keySet: keySetOf(alg), algorithm: alg, kidScheme: 0, policy: POLICY, ...rest });
  }
  await harvestPrivateKeys();
  await readEverything('created');

  // t0: k2 signs at once, k1 RETIRED. Tokens are signed with k2.
  for (const name of KEY_SETS) {
    await wire.call('rotate', { keySet: name, reason: 'second key', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
    await wire.call('sign', { keySet: name, claimsJson: '{"sub":"break-in"}' });
  }
  await harvestPrivateKeys();
  await readEverything('k1 retired');

  // t0 + 800 s: k1's grace (700 s) is over: EXPIRED. Then k3 signs, k2 RETIRED.
  advance(GRACE + 100);
  await tick();
  for (const name of KEY_SETS) {
    await wire.call('rotate', { keySet: name, reason: 'third key', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
  }
  await harvestPrivateKeys(); // k1's material is still there: keep it, it is destroyed next
  await readEverything('k1 expired');

  // t0 + 1800 s: k1's retention (1000 s after it expired) is over: DESTROYED; k2 EXPIRED.
  advance(RETENTION);
  await tick();
  for (const name of KEY_SETS) {
    // k4 signs, then k5: k3 and k4 RETIRED; k4 is REVOKED; k6 is published as PENDING.
    await wire.call('rotate', { keySet: name, reason: 'fourth key', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
    const fourth = (await wire.call('getKeySet', { keySet: name })).keySet!.activeKid;
    await wire.call('rotate', { keySet: name, reason: 'fifth key', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
    await wire.call('revokeKey', { kid: fourth, reason: 'suspected leak' });
    await wire.call('rotate', { keySet: name, reason: 'sixth key', mode: RotationMode.ROTATION_MODE_SCHEDULED });
    await wire.call('sign', { keySet: name, claimsJson: '{"sub":"break-in","n":2}' });
    await wire.call('sign', { keySet: name, payload: Buffer.from('opaque') });
  }
  await wire.call('updateKeySetPolicy', {
    keySet: keySetOf('ES384'),
    reason: 'longer retention',
    policy: KeySetPolicy.fromPartial({ retentionPeriod: { seconds: '2000', nanos: 0 } }),
  });
  await harvestPrivateKeys();
  await readEverything('every state');

  // Refusals reach callers too: their messages must not carry key material either.
  const destroyed = (await keysOf(keySetOf('EdDSA'))).find((key) => key.state === KeyState.KEY_STATE_DESTROYED)!;
  const refused: Promise<unknown>[] = [
    wire.call('revokeKey', { kid: destroyed.kid, reason: 'too late' }),
    wire.call('sign', { keySet: keySetOf('ES512'), claimsJson: 'not json' }),
    wire.call('sign', { keySet: keySetOf('ES512'), claimsJson: '{"exp":99999999999}' }),
    wire.call('getKeySet', { keySet: 'sec-missing' }),
    wire.call('rotate', {
      keySet: keySetOf('RS256'),
      reason: 'r'.repeat(1_001),
      mode: RotationMode.ROTATION_MODE_SCHEDULED,
    }),
    wire.call('listEvents', { keySet: keySetOf('PS384'), kid: '', pageSize: 0, pageToken: 'forged' }),
    wire.call(
      'getKeySet',
      { keySet: keySetOf('ES256') },
      'as signer',
      tokens.find((token) => token.name === 'sec-signer')!.secret,
    ),
  ];
  for (const call of refused) {
    const code = await call.then(
      () => 'ok',
      (error: ServiceError) => error.code,
    );
    expect([status.INVALID_ARGUMENT, status.NOT_FOUND, status.FAILED_PRECONDITION, status.PERMISSION_DENIED]).toContain(
      code,
    );
  }

  // The client sightings the gateway recorded reach the database, for the dump.
  await kw.running.flushUsage();
  await readEverything('flushed');
  for (const name of KEY_SETS) finalKeys.set(name, await keysOf(name));
}, 180_000);

describe('the setup', () => {
  it('drives keys of every algorithm through every state', () => {
    for (const name of KEY_SETS) {
      const states = finalKeys.get(name)!.map((key) => key.state);
      expect(new Set(states), name).toEqual(new Set(EVERY_STATE));
      expect(states).toHaveLength(EVERY_STATE.length);
    }
  });

  it('recovered the private key of every key, destroyed ones included', async () => {
    const rows = await queryDatabase<{ n: string }>(kw.databaseUrl, 'SELECT count(*) AS n FROM keys');
    expect(privateKeys.size).toBe(Number(rows[0]!.n));
    const destroyed = await queryDatabase<{ n: string }>(
      kw.databaseUrl,
      "SELECT count(*) AS n FROM keys WHERE state = 'DESTROYED' AND encrypted_private_key IS NULL",
    );
    expect(Number(destroyed[0]!.n)).toBe(KEY_SETS.length);
  });

  it('has a detector that finds a leak when there is one', () => {
    for (const type of ['ec', 'rsa', 'ed25519']) {
      const key = [...privateKeys.values()].find((each) => each.asymmetricKeyType === type)!;
      const needles = privateKeyNeedles(key);
      const pem = key.export({ format: 'pem', type: 'pkcs8' }) as string;
      const der = createPrivateKey(pem).export({ format: 'der', type: 'pkcs8' });
      const d = Buffer.from(key.export({ format: 'jwk' }).d!, 'base64url');
      expect(findNeedles({ text: `...${pem}...` }, needles).length, type).toBeGreaterThan(0);
      // The first PEM line holds the start of the private part for every key type.
      expect(findNeedles({ text: pem.split('\n')[1]! }, needles).length, type).toBeGreaterThan(0);
      expect(findNeedles({ text: der.toString('hex') }, needles).length, type).toBeGreaterThan(0);
      expect(
        findNeedles({ text: '', bytes: Buffer.concat([Buffer.from('x'), d.subarray(3, 30)]) }, needles).length,
        type,
      ).toBeGreaterThan(0);
      expect(findNeedles({ text: `\\x${d.subarray(5, 29).toString('hex')}` }, needles).length, type).toBeGreaterThan(0);
      expect(
        findNeedles({ text: JSON.stringify(key.export({ format: 'jwk' })) }, needles).length,
        type,
      ).toBeGreaterThan(0);
    }
    expect(privateJsonMembers({ a: `{"keys":[{"kty":"OKP","d":"x"}]}` })).toEqual([
      { path: '$.a<json>.keys[0].d', problem: 'private JWK member' },
    ]);
    expect(
      findNeedles({ text: `x${Buffer.from(TEST_ADMIN_TOKEN).toString('hex')}x` }, secretNeedles(TEST_ADMIN_TOKEN)),
    ).not.toEqual([]);
    expect(passwordsIn({ text: `\\x${Buffer.from(PASSWORDS.typedAsUsername).toString('hex')}` })).toHaveLength(1);
    const throttleSecret = deriveSecret(kw.masterKey, 'login-throttle');
    expect(derivedSecretsIn({ text: `"${throttleSecret.toString('base64')}"` })).not.toEqual([]);
  });
});

function describeFindings(found: { where: string; needles: string[] }[]): string {
  return found.map(({ where, needles }) => `${where}: ${needles.slice(0, 3).join(', ')}`).join('\n');
}

/** Each key's needles found in `haystack`, by key. */
function privateKeysIn(haystack: { text: string; bytes?: Buffer }): { where: string; needles: string[] }[] {
  const found: { where: string; needles: string[] }[] = [];
  for (const [id, key] of privateKeys) {
    const needles = findNeedles(haystack, privateKeyNeedles(key));
    if (needles.length > 0) found.push({ where: `private key ${id}`, needles });
  }
  return found;
}

describe('every answer a caller gets', () => {
  it('covers every read RPC, the HTTP documents and some refusals, for every algorithm and state', () => {
    const labels = new Set(wire.seen.map((seen) => seen.label.split(' ')[0]));
    for (const rpc of [
      'GetKeySet',
      'ListKeySets',
      'ListKeys',
      'GetJWKS',
      'GetKeyTimeline',
      'ListEvents',
      'GetRotationReadiness',
      'WhoAmI',
      'ListApiTokens',
    ]) {
      expect(labels, rpc).toContain(rpc);
    }
    expect(labels).toContain('GET');
    expect(labels).toContain('HEAD');
    expect(wire.seen.filter((seen) => seen.label.endsWith('(error)')).length).toBeGreaterThanOrEqual(7);
    expect(wire.seen.some((seen) => seen.label.startsWith('ListEvents') && seen.label.includes('page 1'))).toBe(true);
  });

  it('holds no private JWK member (d, p, q, dp, dq, qi, oth, k) anywhere, not even in JSON strings', () => {
    let jwks = 0;
    const findings: string[] = [];
    for (const seen of wire.seen) {
      jwks += countJwks(seen.decoded);
      for (const finding of privateJsonMembers(seen.decoded))
        findings.push(`${seen.label}: ${finding.path} (${finding.problem})`);
    }
    expect(findings).toEqual([]);
    // The walk did look at JWKs: public_jwk_json, jwks_json and the HTTP JWKS bodies.
    expect(jwks).toBeGreaterThan(100);
  });

  it('holds no private key in any encoding: PEM, DER (base64, base64url, hex), JWK d, raw scalars', () => {
    const found = privateKeysIn(haystackOf(wire.seen));
    expect(describeFindings(found)).toBe('');
  });

  it('holds no API token secret or session token, except the one answer that hands each out', () => {
    const found: { where: string; needles: string[] }[] = [];
    for (const token of tokens) {
      const elsewhere = wire.seen.filter((seen) => seen !== token.createdIn);
      const needles = findNeedles(haystackOf(elsewhere), secretNeedles(token.secret));
      if (needles.length > 0) found.push({ where: `token ${token.name}`, needles });
    }
    expect(describeFindings(found)).toBe('');
    for (const token of tokens.filter((each) => each.createdIn !== undefined)) {
      expect(token.createdIn!.bytes.toString('latin1')).toContain(token.secret);
    }
  });

  it('holds no staff password, nor the master key or a secret derived from it', () => {
    const haystack = haystackOf(wire.seen);
    expect(describeFindings(passwordsIn(haystack))).toBe('');
    expect(derivedSecretsIn(haystack)).toEqual([]);
  });
});

function passwordsIn(haystack: { text: string; bytes?: Buffer }): { where: string; needles: string[] }[] {
  return Object.entries(PASSWORDS)
    .map(([which, password]) => ({
      where: `password ${which}`,
      needles: findNeedles(haystack, secretNeedles(password)),
    }))
    .filter((entry) => entry.needles.length > 0);
}

function derivedSecretsIn(haystack: { text: string; bytes?: Buffer }): string[] {
  return kw.masterKeys.ids.flatMap((id) => {
    const master = kw.masterKeys.byId(id)!;
    return [master.key, ...DERIVED_SECRETS.map((purpose) => deriveSecret(master, purpose))].flatMap((secret) =>
      findNeedles(haystack, keyBytesNeedles(secret)),
    );
  });
}

describe('a database dump', () => {
  let dump: Dump;
  let haystack: { text: string; bytes: Buffer };

  beforeAll(async () => {
    dump = await dumpDatabase(kw.databaseUrl);
    haystack = { text: dump.text, bytes: Buffer.from(dump.text, 'utf8') };
  }, 60_000);

  it('is a real dump of every table, with the rows this file made', async () => {
    expect(dump.tables).toEqual(
      expect.arrayContaining([
        'keys',
        'key_events',
        'api_tokens',
        'jwks_client_sightings',
        'key_sets',
        'users',
        'sessions',
        'login_failures',
      ]),
    );
    for (const keys of finalKeys.values()) for (const key of keys) expect(dump.text).toContain(key.kid);
    const sightings = await queryDatabase<{ n: string }>(
      kw.databaseUrl,
      'SELECT count(*) AS n FROM jwks_client_sightings',
    );
    expect(Number(sightings[0]!.n)).toBeGreaterThan(0);
    expect(['pg_dump', 'copy']).toContain(dump.how);
  });

  it('holds no private key in any encoding — destroyed keys included', () => {
    expect(describeFindings(privateKeysIn(haystack))).toBe('');
  });

  it('holds no API token secret or session token, in clear or in hex', () => {
    const found = tokens
      .map((token) => ({ where: `token ${token.name}`, needles: findNeedles(haystack, secretNeedles(token.secret)) }))
      .filter((entry) => entry.needles.length > 0);
    expect(describeFindings(found)).toBe('');
  });

  it('holds no address or User-Agent of the clients that fetched the JWKS', () => {
    const needles: Needles = {
      text: [
        USER_AGENT,
        Buffer.from(USER_AGENT).toString('hex'),
        Buffer.from(USER_AGENT).toString('base64'),
        '127.0.0.1',
        '::ffff:127.0.0.1',
        `127.0.0.1\n${USER_AGENT}`,
      ],
      bytes: [],
    };
    expect(findNeedles(haystack, needles)).toEqual([]);
  });

  it('holds no staff password, not even a username that was one: only scrypt hashes and keyed hashes', async () => {
    expect(describeFindings(passwordsIn(haystack))).toBe('');
    const rows = await queryDatabase<{ n: string }>(kw.databaseUrl, 'SELECT count(*) AS n FROM login_failures');
    expect(Number(rows[0]!.n)).toBe(2); // the throttle did record both failures, under keyed hashes
  });

  it('holds no master key, nor a secret derived from it', () => {
    expect(derivedSecretsIn(haystack)).toEqual([]);
  });
});

describe("the service's log of this whole file", () => {
  let logs: { text: string };

  beforeAll(() => {
    logs = { text: kw.logs.join('\n') };
  });

  it('is there to search', () => {
    expect(kw.logs.length).toBeGreaterThan(50);
  });

  it('holds no API token secret or session token', () => {
    const found = tokens
      .map((token) => ({ where: `token ${token.name}`, needles: findNeedles(logs, secretNeedles(token.secret)) }))
      .filter((entry) => entry.needles.length > 0);
    expect(describeFindings(found)).toBe('');
  });

  it('holds no private key material', () => {
    expect(describeFindings(privateKeysIn(logs))).toBe('');
  });

  it('holds no master key (nor a secret derived from it)', () => {
    expect(derivedSecretsIn(logs)).toEqual([]);
  });

  it('holds no staff password', () => {
    expect(describeFindings(passwordsIn(logs))).toBe('');
  });

  it('holds no database password', () => {
    const url = new URL(kw.databaseUrl);
    const password = decodeURIComponent(url.password);
    if (password === '') return; // nothing to leak: the server trusts the connection
    expect(logs.text).not.toContain(`${decodeURIComponent(url.username)}:${password}@`);
    expect(logs.text).not.toContain(`${url.username}:${url.password}@`);
    // A short password could occur by chance in unrelated text; the embedded server's is 32 random characters.
    if (password.length >= 12) expect(logs.text).not.toContain(password);
  });
});
