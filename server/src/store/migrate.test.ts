import { createHash, randomUUID } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { applyMigrations } from './migrate.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const migrationsDir = join(repoRoot, 'prisma', 'migrations');

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function rows<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, params)).rows);
}

async function migrationNames(dir = migrationsDir): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Table and enum names schema.prisma declares, so this test follows the schema as it grows. */
async function schemaObjects(): Promise<{ tables: string[]; enums: string[] }> {
  const schema = await readFile(join(repoRoot, 'prisma', 'schema.prisma'), 'utf8');
  const tables = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)].map(
    ([, model, body]) => body!.match(/@@map\("([^"]+)"\)/)?.[1] ?? model!,
  );
  const enums = [...schema.matchAll(/^enum (\w+) \{/gm)].map(([, name]) => name!);
  return { tables: tables.sort(), enums: enums.sort() };
}

/** A private copy of the migrations folder a test may edit. */
async function copyOfMigrations(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'keyward-migrations-')), 'migrations');
  await cp(migrationsDir, dir, { recursive: true });
  return dir;
}

describe('applyMigrations', () => {
  const databases: TestDatabase[] = [];
  const scratch: string[] = [];
  async function emptyDatabase(): Promise<string> {
    const db = await createTestDatabase({ migrate: false });
    databases.push(db);
    return db.url;
  }
  afterEach(async () => {
    await Promise.all(databases.splice(0).map((db) => db.drop()));
    await Promise.all(scratch.splice(0).map((dir) => rm(join(dir, '..'), { recursive: true, force: true })));
  });

  it('creates every table of schema.prisma and records each migration as Prisma does', async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();
    expect(names.length).toBeGreaterThan(0);

    expect(await applyMigrations(url)).toEqual({ applied: names });

    const { tables, enums } = await schemaObjects();
    const found = await rows<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    expect(found.map((r) => r.table_name).sort()).toEqual([...tables, '_prisma_migrations'].sort());
    const types = await rows<{ typname: string }>(url, "SELECT typname FROM pg_type WHERE typtype = 'e'");
    expect(types.map((r) => r.typname).sort()).toEqual(enums);

    const history = await rows<{
      id: string;
      checksum: string;
      finished_at: Date | null;
      migration_name: string;
      logs: string | null;
      rolled_back_at: Date | null;
      started_at: Date;
      applied_steps_count: number;
    }>(url, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
    expect(history.map((r) => r.migration_name)).toEqual(names);
    for (const row of history) {
      const file = await readFile(join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row).toMatchObject({ logs: null, rolled_back_at: null, applied_steps_count: 1 });
    }

    // The table's shape is Prisma's own, so `prisma migrate status/deploy` can read and extend it.
    const columns = await rows(
      url,
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(columns).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO' },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO' },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES' },
      { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: 'NO' },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES' },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES' },
      { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO' },
      { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: 'NO' },
    ]);
  });

  it('applies nothing the second time', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    expect(await applyMigrations(url)).toEqual({ applied: [] });
    const [count] = await rows<{ n: number }>(url, 'SELECT count(*)::int AS n FROM _prisma_migrations');
    expect(count!.n).toBe((await migrationNames()).length);
  });

  it('applies each migration exactly once when two replicas migrate at the same moment', async () => {
    const url = await emptyDatabase();
    const names = await migrationNames();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url)]);
    expect(results.map((r) => r.applied).sort()).toEqual([[], names]);
    const counts = await rows<{ migration_name: string; n: number }>(
      url,
      'SELECT migration_name, count(*)::int AS n FROM _prisma_migrations GROUP BY migration_name ORDER BY migration_name',
    );
    expect(counts).toEqual(names.map((name) => ({ migration_name: name, n: 1 })));
  });

  it('refuses a migration edited after it was applied', async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    scratch.push(dir);
    const [first] = await migrationNames(dir);
    await applyMigrations(url, { migrationsDir: dir });

    const file = join(dir, first!, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\nCREATE TABLE sneaked_in (id int);\n`);
    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
      `migration ${first} was edited after it was applied`,
    );
    expect(await rows(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'sneaked_in'")).toEqual([]);
  });

  it('refuses a tampered checksum in the history table', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    await rows(url, `UPDATE _prisma_migrations SET checksum = repeat('0', 64)`);
    await expect(applyMigrations(url)).rejects.toThrow(/was edited after it was applied/);
  });

  it('accepts the same migration checked out with CRLF line endings, as Prisma does', async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    scratch.push(dir);
    await applyMigrations(url, { migrationsDir: dir });
    for (const name of await migrationNames(dir)) {
      const file = join(dir, name, 'migration.sql');
      await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));
    }
    expect(await applyMigrations(url, { migrationsDir: dir })).toEqual({ applied: [] });
  });

  it('refuses to run while a failed migration is recorded', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    await rows(
      url,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs) VALUES ($1, $2, 'zz_half_done', 'boom')`,
      [randomUUID(), 'a'.repeat(64)],
    );
    await expect(applyMigrations(url)).rejects.toThrow(
      /zz_half_done failed earlier.*prisma migrate resolve --rolled-back/,
    );
  });

  it('rolls a failing migration back whole, records nothing, and names the line', async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    scratch.push(dir);
    await mkdir(join(dir, '29990101000000_broken'));
    await writeFile(
      join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE half (id int);\n\nSELECT * FROM no_such_table;\n',
    );

    await expect(applyMigrations(url, { migrationsDir: dir })).rejects.toThrow(
      /migration 29990101000000_broken failed at line 3: relation "no_such_table" does not exist/,
    );
    expect(await rows(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half'")).toEqual([]);
    const recorded = await rows<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations');
    expect(recorded.map((r) => r.migration_name)).toEqual(await migrationNames()); // the good ones stay applied
  });

  it('says where it could not connect, without the password', async () => {
    const attempt = applyMigrations('postgresql://someone:s3cret-pw@127.0.0.1:1/nowhere');
    await expect(attempt).rejects.toThrow(/cannot connect to PostgreSQL at someone@127\.0\.0\.1:1\/nowhere/);
    await expect(attempt).rejects.not.toThrow(/s3cret-pw/);
  });
});

describe('constraints the migrations add beyond schema.prisma', () => {
  let db: TestDatabase;
  let client: pg.Client;
  let keySetId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    keySetId = randomUUID();
    await client.query(
      `INSERT INTO key_sets (id, name, algorithm, kid_scheme) VALUES ($1, 'signing', 'ES256', 'thumbprint')`,
      [keySetId],
    );
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  function insertKey(fields: { kid: string; use?: 'sig' | 'enc'; state: string; material: boolean }) {
    const material = fields.material ? [Buffer.from('ciphertext'), Buffer.from('wrapped'), 'mk-1'] : [null, null, null];
    return client.query(
      `INSERT INTO keys (id, key_set_id, kid, alg, use, state, public_jwk, encrypted_private_key, wrapped_data_key, master_key_id)
       VALUES ($1, $2, $3, 'ES256', $4, $5, '{}', $6, $7, $8)`,
      [randomUUID(), keySetId, fields.kid, fields.use ?? 'sig', fields.state, ...material],
    );
  }

  it('allows one ACTIVE key per key set and use, and no second', async () => {
    await insertKey({ kid: 'a1', state: 'ACTIVE', material: true });
    await insertKey({ kid: 'e1', use: 'enc', state: 'ACTIVE', material: true }); // another use: fine
    await insertKey({ kid: 'r1', state: 'RETIRED', material: true }); // not active: fine
    await expect(insertKey({ kid: 'a2', state: 'ACTIVE', material: true })).rejects.toMatchObject({
      code: '23505',
      constraint: 'keys_one_active_per_key_set_use',
    });
  });

  it('refuses a DESTROYED key that still holds private material, and a live key without it', async () => {
    await expect(insertKey({ kid: 'd1', state: 'DESTROYED', material: true })).rejects.toMatchObject({
      code: '23514',
      constraint: 'keys_private_material_matches_state',
    });
    await expect(insertKey({ kid: 'p1', state: 'PENDING', material: false })).rejects.toMatchObject({
      code: '23514',
      constraint: 'keys_private_material_matches_state',
    });
    await insertKey({ kid: 'd2', state: 'DESTROYED', material: false });
  });
});
