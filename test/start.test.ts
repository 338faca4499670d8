// @vitest-environment node
// What a newcomer does: `npm start` (the service and the dashboard together), the command the
// first-start banner prints to create a staff account, then sign-in in a browser. Ctrl-C (SIGINT to
// the process group, as a terminal sends it) stops both.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { freePort, launchChromium, newPage, signIn } from './support/dashboard.js';
import { REPO_ROOT } from './support/process.js';

const run = promisify(execFile);
const PASSWORD = 'the first staff password';

let dataDir: string;
let database: TestDatabase;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'keyward-start-'));
  chmodSync(dataDir, 0o755);
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Resolves with the first match of `pattern` in what `read()` returns as output arrives. */
function outputMatching(
  child: ReturnType<typeof spawn>,
  read: () => string,
  pattern: RegExp,
): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = pattern.exec(read());
      if (match !== null) resolve(match);
    };
    check();
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before ${pattern}:\n${read()}`)));
  });
}

describe('npm start', () => {
  it('serves the service and the dashboard; the banner’s command makes the first staff account', async () => {
    const [grpcPort, httpPort, dashboardPort] = [await freePort(), await freePort(), await freePort()];
    const child = spawn('npm', ['start'], {
      cwd: REPO_ROOT,
      // Its own process group, so that the test can send SIGINT to all of it, as Ctrl-C does.
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        DATABASE_URL: database.url,
        KEYWARD_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
        KEYWARD_DATA_DIR: dataDir,
        KEYWARD_GRPC_PORT: String(grpcPort),
        KEYWARD_HTTP_PORT: String(httpPort),
        KEYWARD_METRICS_PORT: '0',
        KEYWARD_DASHBOARD_PORT: String(dashboardPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const exited = once(child, 'exit');
    try {
      const [, token] = await outputMatching(child, () => output, /^\[keyward\]\s+(kw_[A-Za-z0-9_-]+)\s*$/m);
      await outputMatching(child, () => output, /"msg":"keyward is serving"/);
      await outputMatching(
        child,
        () => output,
        new RegExp(`keyward dashboard: Keyward at 127\\.0\\.0\\.1:${grpcPort} `),
      );

      // The command the banner prints, with its placeholders filled in.
      const [, command] = /^\[keyward\]\s+(printf '%s' "\$PASSWORD" \| KEYWARD_TOKEN=<token> .*)$/m.exec(output)!;
      const filled = command!.replace('<token>', token!).replace('<name>', 'ada');
      await run('bash', ['-c', filled], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', PASSWORD, KEYWARD_SERVER: `127.0.0.1:${grpcPort}` },
      });

      const browser = await launchChromium();
      try {
        const page = await newPage(browser);
        const origin = `http://127.0.0.1:${dashboardPort}`;
        await signIn(page, origin, 'ada', PASSWORD);
        await expect.poll(() => page.getByTestId('staff').textContent()).toBe('Signed in as ada (admin)');
        expect(await page.getByTestId('key-set-default').count()).toBe(1);
      } finally {
        await browser.close();
      }
    } finally {
      process.kill(-child.pid!, 'SIGINT');
      await exited;
    }
    expect(output).toMatch(/"msg":"keyward stopped"/);
    expect(output).not.toContain(PASSWORD);
  }, 240_000);
});
