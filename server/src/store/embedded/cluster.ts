// The cluster on disk: its data directory, initdb, the major-version check and the superuser password.

import { randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, readFile, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KeywardError } from '../../errors.js';
import { ancestors, SUPERUSER, type Account } from './account.js';
import { binary, type Binaries } from './binaries.js';
import { problemLines, run } from './programs.js';

const PASSWORD_FILE = '.keyward-password';

export async function makeDataDir(dataDir: string, account: Account | undefined): Promise<void> {
  const firstCreated = await mkdir(dataDir, { recursive: true });
  if (!account || firstCreated === undefined) return;
  // We made these folders, so we may open them for traversal (never a folder the user made).
  for (const dir of ancestors(dataDir).filter((d) => d.length >= firstCreated.length)) {
    const { mode } = await stat(dir);
    await chmod(dir, (mode & 0o777) | 0o011);
  }
}

export async function initCluster(
  binaries: Binaries,
  dataDir: string,
  pgdata: string,
  account: Account | undefined,
  ephemeral: boolean,
  log: (msg: string) => void,
): Promise<void> {
  await removeEmptyDir(pgdata);
  // initdb writes into a side folder that is renamed into place: a crash mid-initdb leaves no
  // half-made cluster that a later start would mistake for a real one.
  const staging = `${pgdata}.init`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { mode: 0o700 });
  const password = randomBytes(24).toString('base64url');
  const pwfile = join(dataDir, `.initdb-pw-${randomBytes(6).toString('hex')}`);
  await writeFile(pwfile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (account) {
      await chown(staging, account.uid, account.gid);
      await chown(pwfile, account.uid, account.gid);
    }
    log(`initialising a PostgreSQL ${binaries.version} cluster in ${pgdata}`);
    const args = [
      `--pgdata=${staging}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
      '--no-instructions',
      ...(ephemeral ? ['--no-sync'] : []),
    ];
    const result = await run(binary(binaries, 'initdb'), args, account, log);
    if (result.code !== 0) {
      throw new KeywardError(
        'INTERNAL',
        `initdb failed in ${staging}: ${problemLines(result.output) || `exit code ${result.code}`}`,
      );
    }
  } finally {
    await rm(pwfile, { force: true });
  }
  const passwordFile = join(staging, PASSWORD_FILE);
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  // Owned like the rest of the cluster, so a file-level backup run by PostgreSQL (pg_basebackup) can read it.
  if (account) await chown(passwordFile, account.uid, account.gid);
  await rename(staging, pgdata);
}

async function removeEmptyDir(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') {
      throw new KeywardError(
        'FAILED_PRECONDITION',
        `${dir} exists but is not a PostgreSQL cluster (no PG_VERSION); move it away or choose another data directory`,
      );
    }
    throw error;
  }
}

export async function assertSameMajorVersion(pgdata: string, binaries: Binaries): Promise<void> {
  const clusterMajor = (await readFile(join(pgdata, 'PG_VERSION'), 'utf8')).trim();
  if (clusterMajor !== binaries.major) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `the cluster in ${pgdata} was made by PostgreSQL ${clusterMajor} but the embedded binaries are ${binaries.version}; ` +
        `move its data over with pg_dump/pg_restore, or set DATABASE_URL to a PostgreSQL ${clusterMajor} server`,
    );
  }
}

export async function readPassword(pgdata: string): Promise<string> {
  const file = join(pgdata, PASSWORD_FILE);
  try {
    const password = (await readFile(file, 'utf8')).trim();
    if (password) return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  throw new KeywardError(
    'FAILED_PRECONDITION',
    `the superuser password file ${file} is missing or empty; restore it from a backup, or delete ${pgdata} ` +
      'to start with an empty database (this destroys its data)',
  );
}
