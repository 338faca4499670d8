// The postmaster.pid lock file a crash leaves behind.

import { readdir, readFile, readlink, realpath, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeywardError } from '../../errors.js';
import { exists } from './exists.js';

/**
 * PostgreSQL removes a postmaster.pid whose process is gone, after checking that no old server
 * process still uses the shared memory, so a plain kill -9 needs nothing from us. What it cannot
 * handle: the recorded pid now belongs to another program (typical after a container restart, where
 * pids repeat), or the recorded server is an orphan left when a previous Keyward was killed.
 */
export async function clearStaleLock(pgdata: string, log: (msg: string) => void): Promise<void> {
  const lockFile = join(pgdata, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(lockFile, 'utf8')).split('\n')[0] ?? '', 10);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  if (!(await exists('/proc/self/cwd'))) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `${lockFile} names process ${pid}, which is running; stop it if it is PostgreSQL, otherwise delete ${lockFile}`,
    );
  }
  const cluster = await realpath(pgdata);
  const owner = await processInfo(pid);
  if (owner?.cwd === cluster) {
    // The postmaster works in its data directory, so this is a live server on our cluster.
    if (owner.ppid !== 1) {
      throw new KeywardError(
        'FAILED_PRECONDITION',
        `PostgreSQL (pid ${pid}) is already running on ${pgdata}; is another Keyward using the same data directory?`,
      );
    }
    log(`stopping PostgreSQL (pid ${pid}) orphaned by an earlier run on ${pgdata}`);
    process.kill(pid, 'SIGINT');
    if (!(await waitUntil(() => !isAlive(pid), 30_000))) {
      throw new KeywardError(
        'UNAVAILABLE',
        `orphaned PostgreSQL (pid ${pid}) on ${pgdata} did not stop; kill it and retry`,
      );
    }
    return;
  }
  // Only safe once no process of the old server remains: they would still be writing the files.
  const leftovers = async () => (await processesWorkingIn(cluster)).length === 0;
  if (!(await waitUntil(leftovers, 5_000))) {
    const pids = (await processesWorkingIn(cluster)).join(', ');
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `processes of an earlier PostgreSQL (pids ${pids}) still use ${pgdata}; stop them and retry`,
    );
  }
  log(`removing stale ${lockFile}: its pid ${pid} now belongs to another program`);
  await rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function processInfo(pid: number): Promise<{ cwd: string; ppid: number } | undefined> {
  try {
    const cwd = await readlink(`/proc/${pid}/cwd`);
    const statLine = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state ppid ...; comm itself may contain spaces and parentheses.
    const ppid = Number(statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')[1]);
    return { cwd, ppid };
  } catch {
    return undefined; // gone, a zombie, or another user's process: in no case a server on our cluster
  }
}

async function processesWorkingIn(dir: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const matches: number[] = [];
  for (const pid of pids) {
    if ((await processInfo(pid))?.cwd === dir) matches.push(pid);
  }
  return matches;
}

async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
}
