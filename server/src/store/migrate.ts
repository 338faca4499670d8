// Applies prisma/migrations/*/migration.sql with plain `pg`, because the Prisma CLI cannot run here (it
// downloads a native engine first). The bookkeeping is Prisma Migrate's own `_prisma_migrations`
// table, with the same columns, checksums and lock, so `prisma migrate status/deploy` run by an
// operator with internet access sees the same history and never races this migrator.

import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { KeywardError } from '../errors.js';

export interface MigrateOptions {
  /** Folder of `<timestamp>_<name>/migration.sql`; default: the repository's prisma/migrations. */
  migrationsDir?: string;
  log?: (msg: string) => void;
}

interface Migration {
  name: string;
  sql: string;
  checksum: string;
  /** Checksums Prisma also accepts for this file (line endings changed by git). */
  accepted: Set<string>;
}

interface HistoryRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** The key Prisma Migrate itself locks (`SELECT pg_advisory_lock(72707369)`): we exclude each other. */
const PRISMA_MIGRATE_LOCK = 72707369;
const LOCK_WAIT = '120s';

/** Prisma's DDL for its history table (sql-migration-connector, PostgreSQL flavour). */
const HISTORY_TABLE_DDL = `
CREATE TABLE IF NOT EXISTS _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
)`;

export async function applyMigrations(
  databaseUrl: string,
  options: MigrateOptions = {},
): Promise<{ applied: string[] }> {
  const log = options.log ?? (() => {});
  const migrations = await readMigrations(options.migrationsDir ?? defaultMigrationsDir());
  const client = await connect(databaseUrl);
  try {
    await useSchemaFromUrl(client, databaseUrl);
    await lock(client);
    try {
      await client.query(HISTORY_TABLE_DDL);
      const history = await client.query<HistoryRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY started_at',
      );
      const done = checkHistory(history.rows, migrations, log);
      const pending = migrations.filter((m) => !done.has(m.name));
      for (const migration of pending) await apply(client, migration, log);
      return { applied: pending.map((m) => m.name) };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK]).catch(() => {}); // the session end releases it too
    }
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Walks up from this file (server/src/store under vitest/tsx, server/dist/store when compiled) to the
 * folder holding prisma/migrations.
 */
function defaultMigrationsDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) {
      throw new KeywardError('FAILED_PRECONDITION', `no prisma/migrations folder above ${start}; pass migrationsDir`);
    }
  }
}

async function readMigrations(dir: string): Promise<Migration[]> {
  let entries;
  try {
    entries = await readdir(resolve(dir), { withFileTypes: true });
  } catch (error) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `cannot read the migrations folder ${dir}: ${(error as Error).message}`,
    );
  }
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name);
  names.sort(); // Prisma's order: by folder name, which starts with a timestamp
  return Promise.all(
    names.map(async (name) => {
      const file = join(dir, name, 'migration.sql');
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch {
        throw new KeywardError('FAILED_PRECONDITION', `migration ${name} has no readable migration.sql (${file})`);
      }
      const sql = bytes.toString('utf8');
      const checksum = sha256(bytes);
      return { name, sql, checksum, accepted: acceptedChecksums(sql, checksum) };
    }),
  );
}

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Prisma compares the recorded checksum with the file as is, with CRLF turned into LF and with LF
 * turned into CRLF (git may have changed line endings), and with the unpadded hex its old versions
 * wrote (prisma-engines#1887). We accept exactly those.
 */
function acceptedChecksums(sql: string, checksum: string): Set<string> {
  const variants = [checksum, sha256(sql.replaceAll('\r\n', '\n')), sha256(sql.replaceAll('\n', '\r\n'))];
  const unpadded = variants.map((hex) =>
    (hex.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16).toString(16)).join(''),
  );
  return new Set([...variants, ...unpadded]);
}

/** Returns the names already applied; refuses a history that Prisma would also refuse. */
function checkHistory(rows: HistoryRow[], migrations: Migration[], log: (msg: string) => void): Set<string> {
  const live = rows.filter((r) => r.rolled_back_at === null); // rolled back = to be applied again
  const failed = live.filter((r) => r.finished_at === null).map((r) => r.migration_name);
  if (failed.length > 0) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `migration ${failed.join(', ')} failed earlier and is recorded as unfinished in _prisma_migrations; ` +
        'repair the database by hand, then mark it with `prisma migrate resolve --rolled-back <name>` ' +
        '(or `--applied <name>`) before migrating again',
    );
  }
  const byName = new Map(migrations.map((m) => [m.name, m]));
  const edited = live.filter((r) => {
    const file = byName.get(r.migration_name);
    return file !== undefined && !file.accepted.has(r.checksum);
  });
  if (edited.length > 0) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `migration ${edited.map((r) => r.migration_name).join(', ')} was edited after it was applied ` +
        '(its migration.sql no longer matches the checksum in _prisma_migrations); restore the original file ' +
        'and put the change in a new migration',
    );
  }
  const unknown = live.filter((r) => !byName.has(r.migration_name)).map((r) => r.migration_name);
  if (unknown.length > 0) {
    // A newer release migrated this database (rolling upgrade): not ours to judge.
    log(`the database has migrations this release does not know: ${unknown.join(', ')}`);
  }
  return new Set(live.map((r) => r.migration_name));
}

/**
 * One transaction per migration, history row included: a failure leaves neither a half-applied
 * schema nor a "failed" row, so the next start simply retries. (Prisma itself runs scripts outside a
 * transaction, which is why it has failed rows at all.) Hence a migration cannot contain statements
 * that refuse to run in a transaction, such as CREATE INDEX CONCURRENTLY.
 */
async function apply(client: pg.Client, migration: Migration, log: (msg: string) => void): Promise<void> {
  const started = Date.now();
  await client.query('BEGIN');
  try {
    await client.query(migration.sql);
    await client.query(
      `INSERT INTO _prisma_migrations
         (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
       VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, now(), 1)`,
      [randomUUID(), migration.checksum, migration.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new KeywardError(
      'INTERNAL',
      `migration ${migration.name} failed${where(migration.sql, error)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  log(`applied migration ${migration.name} (${Date.now() - started} ms)`);
}

/** " at line N" from PostgreSQL's 1-based character position in the script, when it gives one. */
function where(sql: string, error: unknown): string {
  const position = Number((error as { position?: string }).position);
  if (!Number.isInteger(position) || position < 1) return '';
  return ` at line ${sql.slice(0, position - 1).split('\n').length}`;
}

async function connect(databaseUrl: string): Promise<pg.Client> {
  const protocol = parseUrl(databaseUrl)?.protocol;
  if (protocol !== 'postgresql:' && protocol !== 'postgres:') {
    throw new KeywardError(
      'INVALID_ARGUMENT',
      'the database URL must look like postgresql://user:password@host:port/database',
    );
  }
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'keyward-migrate' });
  client.on('error', () => {}); // a dropped connection surfaces as the failing query's error instead
  try {
    await client.connect();
    return client;
  } catch (error) {
    throw new KeywardError(
      'UNAVAILABLE',
      `cannot connect to PostgreSQL at ${describe(databaseUrl)}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Honours Prisma's `?schema=` URL parameter, as `prisma migrate deploy` would. */
async function useSchemaFromUrl(client: pg.Client, databaseUrl: string): Promise<void> {
  const schema = parseUrl(databaseUrl)?.searchParams.get('schema');
  if (!schema) return;
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${client.escapeIdentifier(schema)}`);
  await client.query(`SET search_path TO ${client.escapeIdentifier(schema)}`);
}

async function lock(client: pg.Client): Promise<void> {
  try {
    await client.query(`SET lock_timeout = '${LOCK_WAIT}'`);
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK]);
    await client.query('RESET lock_timeout');
  } catch (error) {
    if ((error as { code?: string }).code !== '55P03') throw error;
    const holder = await client
      .query<{ pid: number }>("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted", [
        PRISMA_MIGRATE_LOCK,
      ])
      .then((r) => r.rows.map((row) => row.pid).join(', '))
      .catch(() => '');
    throw new KeywardError(
      'UNAVAILABLE',
      `waited ${LOCK_WAIT} for the migration lock (pg_advisory_lock ${PRISMA_MIGRATE_LOCK}), held by another migrator` +
        `${holder ? ` (server pid ${holder})` : ''}; retry when it finishes, or end that session`,
    );
  }
}

/** user@host:port/database, never the password. */
function describe(databaseUrl: string): string {
  const url = parseUrl(databaseUrl);
  if (!url) return 'an unparsable URL';
  const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
  return `${user}${url.hostname || 'localhost'}:${url.port || '5432'}${url.pathname}`;
}

function parseUrl(databaseUrl: string): URL | undefined {
  try {
    return new URL(databaseUrl);
  } catch {
    return undefined;
  }
}
