// Running PostgreSQL's programs: their environment, their output line by line, and the lines of it
// that explain a failure.

import { spawn, type ChildProcess } from 'node:child_process';
import { parse } from 'node:path';
import { KeywardError } from '../../errors.js';
import type { Account } from './account.js';

/** PostgreSQL gets no secrets from our environment (its account could read them in /proc). */
export function childEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C' }; // LC_ALL=C: English log lines to match on
}

export function forwardLines(child: ChildProcess, onLine: (line: string) => void): void {
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

/** The lines of PostgreSQL output that explain a failure, for an error message. */
export function problemLines(output: string): string {
  return output
    .split('\n')
    .filter((line) => /\b(FATAL|PANIC|ERROR)\b|error|could not|cannot/.test(line))
    .map((line) => line.replace(/^.*?\b(FATAL|PANIC|ERROR):\s+/, '$1: ').trim())
    .slice(-3)
    .join('; ');
}

export async function run(
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
