// The running server: launching it (with retries), stopping it, and picking a free port.

import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeywardError } from '../../errors.js';
import type { Account } from './account.js';
import { binary, type Binaries } from './binaries.js';
import type { EmbeddedPostgresOptions } from './index.js';
import { childEnv, forwardLines, problemLines } from './programs.js';

const READY_LINE = 'database system is ready to accept connections';
const START_TIMEOUT_MS = 60_000; // crash recovery after a kill -9 can take a while on a big WAL

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

export async function launchWithRetries(
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
      const hint =
        error.reason === 'port-in-use'
          ? `port ${port} on 127.0.0.1 is already in use; choose another port`
          : error.message;
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
  const child = spawn(binary(binaries, 'postgres'), args, {
    ...account,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv(),
  });
  const output: string[] = [];
  let ready = false;
  let exited = false;
  let stopping: Promise<void> | undefined;

  return new Promise<RunningServer>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGQUIT');
      reject(
        new LaunchError(
          'failed',
          `no ready message within ${START_TIMEOUT_MS / 1000} s: ${problemLines(output.join('\n'))}`,
        ),
      );
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

function setReferenced(child: ChildProcess, referenced: boolean): void {
  for (const handle of [child, child.stdout, child.stderr] as Array<{ ref?: () => void; unref?: () => void } | null>) {
    if (referenced) handle?.ref?.();
    else handle?.unref?.();
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePromise(address.port) : reject(new Error('no port')),
      );
    });
  });
}
