import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedPostgres } from './index.js';
import { queryDatabase } from '../../../../test/support/sql.js';

const isRoot = process.getuid?.() === 0;
const log = () => {};

async function postmasterPid(dataDir: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8')).split('\n')[0]);
}

async function killHard(pid: number): Promise<void> {
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
  throw new Error(`pid ${pid} survived SIGKILL`);
}

// One cluster folder for the file: initdb is the slow part (about a second), restarts are quick.
describe('startEmbeddedPostgres', () => {
  let parent: string;
  let dataDir: string;

  beforeAll(async () => {
    parent = await mkdtemp(join(tmpdir(), 'keyward-embedded-test-'));
    await chmod(parent, 0o711); // as root, PostgreSQL's own account must pass through it
    dataDir = join(parent, 'data');
    const cluster = await startEmbeddedPostgres({ dataDir, log });
    try {
      await queryDatabase(cluster.databaseUrl, 'CREATE TABLE notes (body text NOT NULL)');
    } finally {
      await cluster.stop();
    }
  });

  afterAll(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('serves the keyward database on loopback and keeps its data across restarts', async () => {
    const first = await startEmbeddedPostgres({ dataDir, log });
    const url = new URL(first.databaseUrl);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/keyward');
    expect(await queryDatabase(first.databaseUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await queryDatabase(first.databaseUrl, "INSERT INTO notes VALUES ('kept')");
    await first.stop();
    await first.stop(); // idempotent

    const second = await startEmbeddedPostgres({ dataDir, log });
    try {
      expect(await queryDatabase(second.databaseUrl, "SELECT body FROM notes WHERE body = 'kept'")).toEqual([
        { body: 'kept' },
      ]);
      // Same password as before (made once at initdb), and nobody else may read it.
      expect(new URL(second.databaseUrl).password).toBe(url.password);
      expect((await stat(join(dataDir, 'postgres', '.keyward-password'))).mode & 0o077).toBe(0);
    } finally {
      await second.stop();
    }
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false); // clean shutdown
  });

  it('refuses a second server on a data directory in use', async () => {
    const running = await startEmbeddedPostgres({ dataDir, log });
    try {
      await expect(startEmbeddedPostgres({ dataDir, log })).rejects.toThrow(/already running/);
      expect(await queryDatabase(running.databaseUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await running.stop();
    }
  });

  it('starts again after PostgreSQL was killed with SIGKILL', async () => {
    const crashed = await startEmbeddedPostgres({ dataDir, log });
    await queryDatabase(crashed.databaseUrl, "INSERT INTO notes VALUES ('before the crash')");
    await killHard(await postmasterPid(dataDir));
    await crashed.stop(); // nothing left to stop: must still settle
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(true);

    const recovered = await startEmbeddedPostgres({ dataDir, log });
    try {
      expect(
        await queryDatabase(
          recovered.databaseUrl,
          "SELECT count(*)::int AS n FROM notes WHERE body = 'before the crash'",
        ),
      ).toEqual([{ n: 1 }]);
    } finally {
      await recovered.stop();
    }
  });

  it.runIf(existsSync('/proc/self/cwd'))(
    'starts when the stale postmaster.pid names a pid now used by another program',
    async () => {
      const crashed = await startEmbeddedPostgres({ dataDir, log });
      await killHard(await postmasterPid(dataDir));
      await crashed.stop();
      // PostgreSQL alone would refuse here: "lock file already exists".
      const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
      try {
        const lockFile = join(dataDir, 'postgres', 'postmaster.pid');
        const lines = (await readFile(lockFile, 'utf8')).split('\n');
        lines[0] = String(stranger.pid);
        await writeFile(lockFile, lines.join('\n'));

        const restarted = await startEmbeddedPostgres({ dataDir, log });
        try {
          expect(await queryDatabase(restarted.databaseUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
        } finally {
          await restarted.stop();
        }
      } finally {
        stranger.kill('SIGKILL');
      }
    },
  );

  it.runIf(isRoot)('as root, keeps the cluster outside a data folder the postgres account cannot reach', async () => {
    const privateDir = await mkdtemp(join(tmpdir(), 'keyward-private-')); // mode 0700, like /root
    const messages: string[] = [];
    let home: string | undefined;
    try {
      const server = await startEmbeddedPostgres({ dataDir: join(privateDir, 'data'), log: (m) => messages.push(m) });
      try {
        expect(await queryDatabase(server.databaseUrl, 'SELECT 1 AS one')).toEqual([{ one: 1 }]);
      } finally {
        await server.stop();
      }
      home = /keeping the embedded cluster in (\/var\/lib\/keyward\/embedded-[0-9a-f]{16})$/.exec(
        messages.find((m) => m.includes('keeping the embedded cluster')) ?? '',
      )?.[1];
      expect(home).toBeDefined();
      expect(existsSync(join(home!, 'postgres', 'PG_VERSION'))).toBe(true);
      expect((await stat(privateDir)).mode & 0o777).toBe(0o700); // the user's folder is left alone
    } finally {
      await rm(privateDir, { recursive: true, force: true });
      if (home !== undefined) await rm(home, { recursive: true, force: true });
    }
  });
});
