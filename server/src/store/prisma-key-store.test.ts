// @vitest-environment node
// The Prisma store against a real PostgreSQL: the batch writes, the guarded state changes, the
// scheduler's advisory lock, paging (events, tokens, users) and the shared count of failed logins.
import pg from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { queryDatabase } from '../../../test/support/sql.js';
import { defaultPolicy } from '../lifecycle/policy.js';
import { FRESH_KEY_LIFECYCLE, type KeyRecord } from '../model/key.js';
import type { KeySetRecord } from '../model/key-set.js';
import type { KeyEventInput } from '../model/events.js';
import { PrismaKeyStore, SCHEDULER_LOCK } from './prisma-key-store.js';

let database: TestDatabase;
let store: PrismaKeyStore;

const T0 = new Date('2030-01-01T00:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

function keySet(name: string): KeySetRecord {
  return {
    id: randomUUID(),
    name,
    kidScheme: 'jwk-thumbprint',
    issuer: null,
    createdAt: T0,
    policy: defaultPolicy('ES256', undefined, { jwksMaxAgeSeconds: 300, staleWhileRevalidateSeconds: 60 }),
  };
}

function key(owner: KeySetRecord, kid: string, state: KeyRecord['state']): KeyRecord {
  return {
    id: randomUUID(),
    keySetId: owner.id,
    kid,
    alg: 'ES256',
    use: 'sig',
    state,
    publicJwk: { kty: 'EC', crv: 'P-256', x: kid, y: kid },
    createdAt: T0,
    ...FRESH_KEY_LIFECYCLE,
    activatedAt: state === 'ACTIVE' ? T0 : null,
    sealed: { ciphertext: Buffer.from('c'), wrappedDataKey: Buffer.from('w'), masterKeyId: 'm' },
  };
}

const noEvent: KeyEventInput = {
  at: T0,
  kid: null,
  type: 'key_set.created',
  actor: 'test',
  reason: null,
  before: null,
  after: null,
};

beforeAll(async () => {
  database = await createTestDatabase();
  store = new PrismaKeyStore({ databaseUrl: database.url });
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe('recordSignatures', () => {
  it('adds counts per key and minute across flushes and keeps the latest times', async () => {
    const owner = keySet('usage');
    const signer = key(owner, 'usage-1', 'ACTIVE');
    await store.createKeySet(owner, signer, noEvent);
    await store.recordSignatures({
      counts: [{ keyId: signer.id, minute: at(0), count: 3 }],
      lastSignedAt: [{ keyId: signer.id, at: at(30), latestTokenExpiry: at(3_630) }],
    });
    await store.recordSignatures({
      counts: [
        { keyId: signer.id, minute: at(0), count: 2 },
        { keyId: signer.id, minute: at(60), count: 1 },
      ],
      // Older than what is stored: a late batch never moves the times back.
      lastSignedAt: [{ keyId: signer.id, at: at(10), latestTokenExpiry: null }],
    });
    const counts = await queryDatabase(
      database.url,
      'SELECT minute, count FROM key_signature_counts WHERE key_id = $1 ORDER BY minute',
      [signer.id],
    );
    const [times] = await queryDatabase(
      database.url,
      'SELECT last_signed_at, latest_token_expiry FROM keys WHERE id = $1',
      [signer.id],
    );
    expect(counts).toEqual([
      { minute: at(0), count: '5' },
      { minute: at(60), count: '1' },
    ]);
    expect(times).toEqual({ last_signed_at: at(30), latest_token_expiry: at(3_630) });
  });
});

describe('recordSightings and readinessCounts', () => {
  it('keeps one row per key set and client, and counts recent clients and those holding a key', async () => {
    const owner = keySet('sightings');
    await store.createKeySet(owner, key(owner, 'sightings-1', 'ACTIVE'), noEvent);
    const client = (n: number) => Buffer.alloc(32, n);
    const sighting = (n: number, firstSeen: Date, lastSeen: Date, newestKeySeen: Date, keySet = 'sightings') => ({
      keySet,
      clientHash: client(n),
      firstSeen,
      lastSeen,
      newestKeySeen,
    });
    await store.recordSightings([
      sighting(1, at(0), at(10), at(-10)),
      sighting(2, at(0), at(100), at(50)),
      sighting(3, at(-90_000), at(-90_000), at(-95_000)),
      sighting(4, at(0), at(0), at(0), 'no-such-key-set'),
    ]);
    // Client 1 again, later, served a JWKS with a newer key; an older document never lowers it.
    await store.recordSightings([sighting(1, at(5), at(200), at(150))]);
    await store.recordSightings([sighting(1, at(6), at(190), at(-10))]);
    const rows = await queryDatabase(
      database.url,
      'SELECT first_seen, last_seen, newest_key_seen FROM jwks_client_sightings ORDER BY client_hash',
    );
    expect(rows).toEqual([
      { first_seen: at(0), last_seen: at(200), newest_key_seen: at(150) },
      { first_seen: at(0), last_seen: at(100), newest_key_seen: at(50) },
      { first_seen: at(-90_000), last_seen: at(-90_000), newest_key_seen: at(-95_000) },
    ]);
    expect(await store.readinessCounts('sightings', at(-3_600), at(150))).toEqual({ seen: 2, holdingKey: 1 });
    expect(await store.readinessCounts('sightings', at(-3_600), at(50))).toEqual({ seen: 2, holdingKey: 2 });
    expect(await store.readinessCounts('sightings', at(-100_000), at(-95_000))).toEqual({ seen: 3, holdingKey: 3 });
  });
});

describe('change', () => {
  it('writes nothing when a change was decided on a stale state', async () => {
    const owner = keySet('guarded');
    const signer = key(owner, 'guarded-1', 'ACTIVE');
    await store.createKeySet(owner, signer, noEvent);
    const attempt = store.change('guarded', () => ({
      changes: [{ kid: 'guarded-1', from: 'PENDING', to: 'ACTIVE', at: T0 }],
      newKeys: [key(owner, 'guarded-2', 'PENDING')],
      events: [noEvent],
    }));
    await expect(attempt).rejects.toThrow('key guarded-1 is no longer PENDING');
    const after = await store.findKeySet('guarded');
    expect(after?.keys.map((k) => [k.kid, k.state])).toEqual([['guarded-1', 'ACTIVE']]);
  });

  it('erases the private material of a key it destroys', async () => {
    const owner = keySet('erased');
    await store.createKeySet(owner, key(owner, 'erased-1', 'ACTIVE'), noEvent);
    await store.change('erased', () => ({
      changes: [
        { kid: 'erased-1', from: 'ACTIVE', to: 'REVOKED', at: at(1), reason: 'leaked' },
        { kid: 'erased-1', from: 'REVOKED', to: 'DESTROYED', at: at(2) },
      ],
      newKeys: [],
      events: [],
    }));
    const [row] = await queryDatabase(database.url, "SELECT * FROM keys WHERE kid = 'erased-1'");
    expect(row).toMatchObject({
      state: 'DESTROYED',
      revoked_at: at(1),
      destroyed_at: at(2),
      revocation_reason: 'leaked',
      encrypted_private_key: null,
      wrapped_data_key: null,
      master_key_id: null,
    });
  });

  it('acts as the scheduler only while no other session holds the scheduler lock', async () => {
    const owner = keySet('leader');
    await store.createKeySet(owner, key(owner, 'leader-1', 'ACTIVE'), noEvent);
    const decide = () => ({ changes: [], newKeys: [], events: [noEvent] });
    const holder = new pg.Client({ connectionString: database.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT pg_advisory_xact_lock($1)', [SCHEDULER_LOCK]);
      expect(await store.change('leader', decide, { asScheduler: true })).toBe('not-leader');
      await holder.query('COMMIT');
      expect(await store.change('leader', decide, { asScheduler: true })).toBe('written');
    } finally {
      await holder.end();
    }
  });

  it('answers NOT_FOUND for an unknown key set', async () => {
    await expect(store.change('ghost', () => undefined)).rejects.toThrow('key set "ghost" does not exist');
  });
});

describe('listEvents', () => {
  it('pages newest first and filters by key set and kid', async () => {
    const owner = keySet('paged');
    await store.createKeySet(owner, key(owner, 'paged-1', 'ACTIVE'), {
      ...noEvent,
      kid: 'paged-1',
      type: 'key_set.created',
    });
    for (const type of ['key.published', 'key.activated', 'key.retired'] as const) {
      await store.change('paged', () => ({ changes: [], newKeys: [], events: [{ ...noEvent, kid: 'paged-2', type }] }));
    }
    const first = await store.listEvents({ keySet: 'paged', limit: 2 });
    expect(first.map((e) => e.type)).toEqual(['key.retired', 'key.activated']);
    const rest = await store.listEvents({ keySet: 'paged', limit: 10, beforeId: first[1]!.id });
    expect(rest.map((e) => e.type)).toEqual(['key.published', 'key_set.created']);
    expect((await store.listEvents({ kid: 'paged-1', limit: 10 })).map((e) => e.type)).toEqual(['key_set.created']);
  });
});

describe('listApiTokens', () => {
  it('pages oldest first, tokens of the same millisecond by id', async () => {
    const made = [at(2), at(1), at(2), at(2), at(3)].map((createdAt) => ({
      id: randomUUID(),
      name: 'paged',
      tokenHash: randomBytes(32),
      grants: [],
      createdAt,
      createdBy: null,
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
    }));
    for (const token of made) await store.createApiToken(token, noEvent);
    const ids = (tokens: { id: string }[]) => tokens.map((token) => token.id);
    const all = await store.listApiTokens();
    expect(ids(all)).toEqual(
      ids([...made].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : 1))),
    );
    const first = await store.listApiTokens({ after: undefined, limit: 2 });
    const rest = await store.listApiTokens({ after: first[1], limit: 10 });
    expect([...ids(first), ...ids(rest)]).toEqual(ids(all));
  });
});

describe('listUsers', () => {
  it('pages by username', async () => {
    for (const username of ['pc', 'pa', 'pd', 'pb']) {
      const user = { id: randomUUID(), username, passwordHash: 'x', role: 'viewer' as const, createdAt: T0 };
      await store.createUser({ ...user, createdBy: null, disabledAt: null }, noEvent);
    }
    const names = async (after: string | undefined, limit: number) =>
      (await store.listUsers({ after, limit })).map((user) => user.username).filter((name) => /^p[a-d]$/.test(name));
    expect(await names(undefined, 100)).toEqual(['pa', 'pb', 'pc', 'pd']);
    expect(await names('pb', 1)).toEqual(['pc']);
    expect(await names('pd', 10)).toEqual([]);
  });
});

describe('recordLoginFailure', () => {
  const counting = (subject: Buffer, now: Date, forgetBefore = new Date(0)) => ({
    subject,
    next: (previous: { count: number } | undefined) => ({
      count: (previous?.count ?? 0) + 1,
      lastFailureAt: now,
      lockedUntil: null,
    }),
    event: (): KeyEventInput => ({ ...noEvent, type: 'user.login_failed' }),
    forgetBefore,
  });

  it('counts every one of many concurrent failures, on many connections, under its row lock', async () => {
    const subject = Buffer.alloc(32, 1);
    const others = [
      new PrismaKeyStore({ databaseUrl: database.url }),
      new PrismaKeyStore({ databaseUrl: database.url }),
    ];
    try {
      const stores = [store, ...others];
      await Promise.all(
        Array.from({ length: 30 }, (_, i) => stores[i % stores.length]!.recordLoginFailure(counting(subject, at(i)))),
      );
    } finally {
      await Promise.all(others.map((other) => other.close()));
    }
    expect(await store.findLoginFailures(subject)).toMatchObject({ count: 30, lockedUntil: null });
    const rows = await queryDatabase<{ n: string }>(
      database.url,
      "SELECT count(*) AS n FROM key_events WHERE type = 'user.login_failed'",
    );
    expect(Number(rows[0]?.n)).toBe(30);
  });

  it('deletes records idle since before the window, and a login clears its own', async () => {
    const idle = Buffer.alloc(32, 2);
    const recent = Buffer.alloc(32, 3);
    await store.recordLoginFailure(counting(idle, at(0)));
    await store.recordLoginFailure(counting(recent, at(100), at(50)));
    expect(await store.findLoginFailures(idle)).toBeUndefined();
    expect(await store.findLoginFailures(recent)).toMatchObject({ count: 1, lastFailureAt: at(100) });

    const user = {
      id: randomUUID(),
      username: 'clears',
      passwordHash: 'x',
      role: 'viewer' as const,
      createdAt: T0,
      createdBy: null,
      disabledAt: null,
    };
    await store.createUser(user, noEvent);
    await store.startSession(
      { id: randomUUID(), userId: user.id, createdAt: at(101), expiresAt: at(1_000) },
      recent,
      noEvent,
    );
    expect(await store.findLoginFailures(recent)).toBeUndefined();
  });
});
