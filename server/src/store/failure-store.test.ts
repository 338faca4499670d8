// @vitest-environment node
// The failure counts of the Prisma store against a real PostgreSQL, with fixed times: batches add
// up, samples stay bounded, and compaction rolls minutes into hours and drops what is too old.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { defaultPolicy } from '../lifecycle/policy.js';
import { FRESH_KEY_LIFECYCLE } from '../model/key.js';
import type { FailureBucket } from '../model/verification-failures.js';
import { PrismaKeyStore } from './prisma-key-store.js';

let database: TestDatabase;
let store: PrismaKeyStore;

const T0 = new Date('2030-01-10T00:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

beforeAll(async () => {
  database = await createTestDatabase();
  store = new PrismaKeyStore({ databaseUrl: database.url });
  const id = randomUUID();
  await store.createKeySet(
    {
      id,
      name: 'charted',
      kidScheme: 'jwk-thumbprint',
      issuer: null,
      createdAt: T0,
      policy: defaultPolicy('ES256', undefined, { jwksMaxAgeSeconds: 300, staleWhileRevalidateSeconds: 60 }),
    },
    {
      id: randomUUID(),
      keySetId: id,
      kid: 'k1',
      alg: 'ES256',
      use: 'sig',
      state: 'ACTIVE',
      publicJwk: { kty: 'EC', crv: 'P-256', x: 'x', y: 'y' },
      createdAt: T0,
      ...FRESH_KEY_LIFECYCLE,
      activatedAt: T0,
      sealed: { ciphertext: Buffer.from('c'), wrappedDataKey: Buffer.from('w'), masterKeyId: 'm' },
    },
    { at: T0, kid: null, type: 'key_set.created', actor: 'test', reason: null, before: null, after: null },
  );
});

afterAll(async () => {
  await store?.close();
  await database?.drop();
});

const bucket = (minute: Date, count: number, reason: FailureBucket['reason'] = 'EXPIRED'): FailureBucket => ({
  keySet: 'charted',
  client: 'token:rp',
  kid: 'k1',
  reason,
  alg: 'ES256',
  minute,
  count,
});

const hourly = (from: Date, hours: number) =>
  store.failureCounts({
    keySet: 'charted',
    from,
    to: new Date(from.getTime() + hours * 3_600_000),
    stepSeconds: 3_600,
    groupBy: 'reason',
  });

describe('failure counts', () => {
  it('adds batches together per minute bucket', async () => {
    await store.recordFailures([bucket(minutes(1), 2), bucket(minutes(2), 1, 'BAD_SIGNATURE')], []);
    await store.recordFailures([bucket(minutes(1), 3)], []);
    const rows = await store.failureCounts({
      keySet: 'charted',
      from: T0,
      to: minutes(5),
      stepSeconds: 60,
      groupBy: 'reason',
    });
    expect(rows).toEqual([
      { key: 'BAD_SIGNATURE', step: 2, count: 1n },
      { key: 'EXPIRED', step: 1, count: 5n },
    ]);
  });

  it('totals per kid, reason and client, with the end of the latest bucket', async () => {
    // The buckets of the test above: 00:01 (5 EXPIRED), 00:02 (1 BAD_SIGNATURE).
    expect(await store.failureTotals('charted', T0, minutes(5))).toEqual([
      { kid: 'k1', reason: 'BAD_SIGNATURE', client: 'token:rp', count: 1n, lastAt: minutes(3) },
      { kid: 'k1', reason: 'EXPIRED', client: 'token:rp', count: 5n, lastAt: minutes(2) },
    ]);
    expect(await store.failureTotals('charted', minutes(2), minutes(5))).toHaveLength(1);
  });

  it('keeps at most 20 unknown kids per key set and hour, whatever the batches', async () => {
    for (let batch = 0; batch < 5; batch += 1) {
      const samples = Array.from({ length: 20 }, (_, i) => ({ keySet: 'charted', hour: T0, kid: `u-${batch}-${i}` }));
      await store.recordFailures([], samples);
    }
    expect(await store.unknownKidSamples('charted', T0, minutes(60), 1_000)).toHaveLength(20);
  });

  it('rolls minutes older than the cut into hours, and deletes what is past retention', async () => {
    // Day 0: 00:01 (5 EXPIRED, 1 BAD_SIGNATURE) from above; add 00:59 and day-1 minutes.
    await store.recordFailures([bucket(minutes(59), 4), bucket(minutes(24 * 60 + 30), 7)], []);
    const now = minutes(3 * 24 * 60); // day 3: day 0 is past the 48 h detail, day 1 is not
    expect(
      await store.compactFailures({
        rollUpBefore: new Date(now.getTime() - 48 * 3_600_000),
        deleteBefore: new Date(now.getTime() - 30 * 86_400_000),
      }),
    ).toBe('done');
    expect(await hourly(T0, 48)).toEqual([
      { key: 'BAD_SIGNATURE', step: 0, count: 1n },
      { key: 'EXPIRED', step: 0, count: 9n },
      { key: 'EXPIRED', step: 24, count: 7n },
    ]);
    // Day 0 is now one hour row per group; day 1 is still minutes.
    const minuteRows = await store.failureCounts({
      keySet: 'charted',
      from: T0,
      to: minutes(60),
      stepSeconds: 60,
      groupBy: 'reason',
    });
    expect(minuteRows.map((row) => row.step)).toEqual([0, 0]);

    // Thirty-one days on, all of it is past retention.
    const later = minutes(31 * 24 * 60 + 60);
    await store.compactFailures({
      rollUpBefore: new Date(later.getTime() - 48 * 3_600_000),
      deleteBefore: new Date(later.getTime() - 30 * 86_400_000),
    });
    expect(await hourly(T0, 48)).toEqual([]);
    expect(await store.unknownKidSamples('charted', T0, minutes(60), 1_000)).toEqual([]);
  });
});
