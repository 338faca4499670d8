// Runs the real entry point (`node server/dist/main.js`, the service `npm start` runs) as a child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../../server/dist/main.js', import.meta.url));

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  stderr(): string;
  /** Resolves with the first log line whose `msg` is `message`; rejects if the process exits first. */
  waitForLog(message: string): Promise<Record<string, unknown>>;
  /** Resolves with the first match of `pattern` in standard error; rejects if the process exits first. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** For afterEach: a test that failed half-way must not leave its service (and PostgreSQL) running. */
export async function killServiceProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }),
  );
}

export function startServiceProcess(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, [MAIN], {
    cwd: REPO_ROOT,
    // Several services run at once in a test run: each takes any free metrics port unless told.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', KEYWARD_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  let stderr = '';
  let partial = '';
  const waiters: { message: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  const stderrWaiters: { pattern: RegExp; resolve: (match: RegExpExecArray) => void }[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      stdout.push(line);
      let parsed: Record<string, unknown> | undefined;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        parsed = undefined;
      }
      for (const waiter of [...waiters]) {
        if (parsed?.msg === waiter.message) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(parsed);
        }
      }
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const waiter of [...stderrWaiters]) {
      const match = waiter.pattern.exec(stderr);
      if (match !== null) {
        stderrWaiters.splice(stderrWaiters.indexOf(waiter), 1);
        waiter.resolve(match);
      }
    }
  });
  running.add(child);
  const exit = once(child, 'exit').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });

  return {
    child,
    stdout,
    stderr: () => stderr,
    waitForLog(message) {
      return Promise.race([
        new Promise<Record<string, unknown>>((resolve) => waiters.push({ message, resolve })),
        exit.then((code) => {
          throw new Error(`the service exited (code ${code}) before logging "${message}":\n${stderr}`);
        }),
      ]);
    },
    waitForStderr(pattern) {
      const match = pattern.exec(stderr);
      if (match !== null) return Promise.resolve(match);
      return Promise.race([
        new Promise<RegExpExecArray>((resolve) => stderrWaiters.push({ pattern, resolve })),
        exit.then((code) => {
          throw new Error(`the service exited (code ${code}) before printing ${pattern}:\n${stderr}`);
        }),
      ]);
    },
    exited: () => exit,
  };
}
