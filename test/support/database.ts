// A fresh, migrated database per caller, on the server test/support/global-setup.ts provides.
//
//   const db = await createTestDatabase();
//   afterAll(() => db.drop());

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { applyMigrations } from '../../server/src/store/migrate.js';

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** `migrate: false` gives an empty database (for testing the migrator itself). */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const adminUrl = inject('databaseUrl');
  const name = `keyward_test_${inject('databaseRunId')}_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  const url = withDatabase(adminUrl, name);
  // FORCE ends sessions a test left open (a pool not closed), which would otherwise block the drop.
  const drop = () => admin(adminUrl, `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  if (options.migrate !== false) {
    try {
      await applyMigrations(url);
    } catch (error) {
      await drop();
      throw error;
    }
  }
  return { url, drop };
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

async function admin(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
