// One PostgreSQL server for the whole test run: DATABASE_URL's server when set, otherwise one
// embedded cluster in a fresh temporary folder. Test files make their own databases on it
// (test/support/database.ts), so they never see each other's rows.

import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../../server/src/store/embedded/index.js';
import { queryDatabase } from './sql.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = randomBytes(4).toString('hex');
  const server = process.env.DATABASE_URL ? await external(process.env.DATABASE_URL) : await embedded();
  project.provide('databaseUrl', server.adminUrl);
  project.provide('databaseRunId', runId);
  return async () => {
    await dropLeftovers(server.adminUrl, runId).catch(() => {});
    await server.close();
  };
}

interface Server {
  adminUrl: string;
  close(): Promise<void>;
}

async function external(databaseUrl: string): Promise<Server> {
  const adminUrl = withDatabase(databaseUrl, 'postgres');
  const version = await queryDatabase<{ server_version_num: string }>(adminUrl, 'SHOW server_version_num').catch(
    (error: Error) => {
      throw new Error(`tests: DATABASE_URL is set but its server cannot be used: ${error.message}`);
    },
  );
  // DROP DATABASE ... WITH (FORCE), used by test/support/database.ts, arrived in PostgreSQL 13.
  if (Number(version[0]?.server_version_num) < 130000) {
    throw new Error('tests: DATABASE_URL points at PostgreSQL older than 13; the tests need 13 or newer');
  }
  return { adminUrl, close: async () => {} };
}

async function embedded(): Promise<Server> {
  const dir = await mkdtemp(join(tmpdir(), 'keyward-test-pg-'));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as another account that must pass through it.
  await chmod(dir, 0o711);
  try {
    const cluster = await startEmbeddedPostgres({ dataDir: dir, log: () => {}, ephemeral: true });
    return {
      adminUrl: withDatabase(cluster.databaseUrl, 'postgres'),
      close: async () => {
        await cluster.stop();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `tests: could not start embedded PostgreSQL (set DATABASE_URL to use a running server instead): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Databases a test made but did not drop (it crashed or timed out). */
async function dropLeftovers(adminUrl: string, runId: string): Promise<void> {
  const rows = await queryDatabase<{ datname: string }>(
    adminUrl,
    'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
    [`keyward_test_${runId}_`],
  );
  for (const { datname } of rows) {
    await queryDatabase(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(datname)} WITH (FORCE)`);
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
