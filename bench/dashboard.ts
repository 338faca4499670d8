// Dashboard page times for a large key set: 200 keys and 30 days of failure counts in one-minute
// buckets (the worst case: Keyward compacts minute buckets into hours after 48 hours). The target
// is under a second per page, server-rendered, measured from the request to the last byte.
// Needs PostgreSQL: DATABASE_URL's server when set (a fresh database on it), else the embedded one.
import { Role, RotationMode } from '@keyward/proto/keyward/v1';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../server/src/store/embedded/index.js';
import { applyMigrations } from '../server/src/store/migrate.js';
import { startDashboard } from '../test/support/dashboard.js';
import { startTestKeyward } from '../test/support/keyward.js';

const KEYS = 200;
const DAYS = 30;
const RUNS = 10;
const TARGET_MS = 1_000;
const PASSWORD = 'a bench password of some length';

interface BenchDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function benchDatabase(): Promise<BenchDatabase> {
  const given = process.env.DATABASE_URL;
  if (given === undefined || given === '') {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
    const embedded = await startEmbeddedPostgres({ dataDir: dir, log: () => undefined, ephemeral: true });
    await applyMigrations(embedded.databaseUrl);
    return {
      url: embedded.databaseUrl,
      drop: async () => {
        await embedded.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `keyward_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(given, `CREATE DATABASE ${name}`);
  const url = new URL(given);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return { url: url.toString(), drop: () => adminQuery(given, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** One failure row per minute, kid and reason over the last DAYS days, as the aggregator writes them. */
async function seedFailures(url: string, keySet: string, kids: readonly string[]): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query(
      `INSERT INTO verification_failure_counts (key_set_id, start, seconds, client, kid, reason, alg, count)
       SELECT ks.id, minute, 60, 'token:edge-' || (extract(minute FROM minute)::int % 3), kid, reason, 'ES256',
              1 + (extract(epoch FROM minute)::bigint % 5)
       FROM key_sets ks,
            generate_series(date_trunc('minute', now()) - make_interval(days => $2), date_trunc('minute', now()),
                            interval '1 minute') AS minute,
            unnest($3::text[]) AS kid,
            unnest(ARRAY['UNKNOWN_KID', 'BAD_SIGNATURE', 'EXPIRED']) AS reason
       WHERE ks.name = $1`,
      [keySet, DAYS, kids],
    );
    return result.rowCount ?? 0;
  } finally {
    await client.end();
  }
}

async function timeRequest(url: string, cookie: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
  const body = await response.text();
  const ms = performance.now() - start;
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${body.slice(0, 200)}`);
  return ms;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchDashboard(): Promise<void> {
  const database = await benchDatabase();
  const kw = await startTestKeyward({ databaseUrl: database.url, maxConcurrentKeyGenerations: 4 });
  const dashboard = await startDashboard(kw.grpcAddress);
  try {
    await kw.rpc.createKeySet({ keySet: 'big', algorithm: 'ES256', kidScheme: 0 });
    for (let i = 1; i < KEYS; i += 1)
      await kw.rpc.rotate({ keySet: 'big', mode: RotationMode.ROTATION_MODE_IMMEDIATE, reason: 'bench' });
    const { keys } = await kw.rpc.listKeys({ keySet: 'big', pageSize: 500 });
    const kids = keys.slice(0, 3).map((key) => key.kid);
    const rows = await seedFailures(database.url, 'big', [...kids, 'unknown']);
    await kw.rpc.createUser({ username: 'bench', password: PASSWORD, role: Role.ROLE_VIEWER });
    const { sessionToken } = await kw.rpc.login({ username: 'bench', password: PASSWORD }, null);
    const cookie = `keyward_session=${sessionToken}`;

    const pages: Record<string, string> = {
      overview: '/',
      'key set (timeline, JWKS, readiness)': '/key-sets/big',
      'key (signatures, failures, events)': `/key-sets/big/keys/${kids[0]!}?range=7d`,
      'failures, 30 days by reason': '/key-sets/big/failures?range=30d',
      'failures, 30 days by kid': '/key-sets/big/failures?range=30d&group=kid',
      'audit log': '/audit?key_set=big',
    };
    console.log(
      `dashboard: key set of ${keys.length} keys, ${rows.toLocaleString('en')} failure rows (${DAYS} days of ` +
        `minute buckets); ${RUNS} requests per page after 2 warm-ups; target < ${TARGET_MS} ms`,
    );
    for (const [name, path] of Object.entries(pages)) {
      const url = `${dashboard.origin}${path}`;
      for (let i = 0; i < 2; i += 1) await timeRequest(url, cookie);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i += 1) times.push(await timeRequest(url, cookie));
      times.sort((a, b) => a - b);
      const median = percentile(times, 50);
      const worst = times.at(-1)!;
      console.log(
        `  ${name.padEnd(40)} median ${median.toFixed(0).padStart(5)} ms, worst ${worst.toFixed(0).padStart(5)} ms ` +
          `(${(median / TARGET_MS).toFixed(2)}× the target) ${worst < TARGET_MS ? 'OK' : 'ABOVE TARGET'}`,
      );
    }
  } finally {
    await dashboard.stop();
    await kw.stop();
    await database.drop();
  }
}
