// @vitest-environment node
// `npm run db:migrate` as an operator runs it (the compiled CLI), against a real database.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { REPO_ROOT } from './support/process.js';

const run = promisify(execFile);
const CLI = join(REPO_ROOT, 'server', 'dist', 'store', 'migrate-cli.js');
const MIGRATIONS = readdirSync(join(REPO_ROOT, 'prisma', 'migrations'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
});

afterAll(async () => {
  await database?.drop();
});

const migrate = (databaseUrl: string) =>
  run(process.execPath, [CLI], { env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } });

it('applies every migration once, then reports the database up to date', async () => {
  const first = await migrate(database.url);
  expect(first.stdout).toBe(MIGRATIONS.map((name) => `applied ${name}\n`).join(''));
  const second = await migrate(database.url);
  expect(second.stdout).toBe('database is up to date\n');
});

it('fails with one line on stderr and exit code 1 when the database cannot be reached', async () => {
  const unreachable = 'postgresql://postgres:secret-pw@127.0.0.1:1/keyward';
  const failure = await migrate(unreachable).then(
    () => undefined,
    (error: { code: number; stderr: string }) => error,
  );
  expect(failure?.code).toBe(1);
  expect(failure?.stderr).toMatch(/^db:migrate: [^\n]+\n$/);
  expect(failure?.stderr).not.toContain('secret-pw');
});
