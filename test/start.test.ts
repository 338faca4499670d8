// @vitest-environment node
// What a newcomer does: `npm start` (the service and the dashboard together), the command the
// first-start banner prints to create staff accounts, sign-in in a browser, the default key set's
// timeline, a rotation from the UI and its pending key on the timeline, then failure reports shown
// against the rotation's marker with a diagnosis. Ctrl-C (SIGINT to the process group, as a
// terminal sends it) stops both.
import { credentials } from '@grpc/grpc-js';
import { KeyServiceClient, VerifyReason } from '@keyward/proto/keyward/v1';
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { freePort, launchChromium, newPage, signIn } from './support/dashboard.js';
import { promisedRpcs } from './support/keyward.js';
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
  it('serves the service and the dashboard, through to a rotation from the UI and the failures it caused', async () => {
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
        // Reported failures reach the database within a second.
        KEYWARD_USAGE_FLUSH_INTERVAL: '1',
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

      // An operator, made the same way.
      await run('bash', ['-c', filled.replace('ada', 'otto').replace('--role admin', '--role operator')], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH ?? '', PASSWORD, KEYWARD_SERVER: `127.0.0.1:${grpcPort}` },
      });

      const browser = await launchChromium();
      const client = new KeyServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
      try {
        const page = await newPage(browser);
        const origin = `http://127.0.0.1:${dashboardPort}`;
        await signIn(page, origin, 'otto', PASSWORD);
        await expect.poll(() => page.getByTestId('staff').textContent()).toBe('Signed in as otto (operator)');

        // The default key set's timeline.
        await page.getByRole('link', { name: 'default', exact: true }).click();
        await page.waitForURL(`${origin}/key-sets/default`);
        await page.getByTestId('timeline-chart').locator('svg').waitFor();

        // A scheduled rotation from the UI, and its pending key on the timeline.
        await page.getByTestId('key-set-actions').getByRole('link', { name: 'Rotate…' }).click();
        await page.getByTestId('reason').fill('first rotation from the dashboard');
        await page.getByTestId('rotate').click();
        const pendingKid = (await page.getByTestId('new-kid').textContent())!;
        await page.goto(`${origin}/key-sets/default`);
        expect(await page.getByTestId(`key-${pendingKid}`).getByTestId('state').textContent()).toBe('pending');
        expect(await page.getByTestId('intervals').textContent()).toContain(pendingKid);

        // Relying parties report tokens that name the new kid; the failures screen shows them
        // against the rotation's marker, with the diagnosis.
        const rpc = promisedRpcs(client, token!);
        await rpc.reportVerificationFailures({
          keySet: 'default',
          items: [
            {
              kid: pendingKid,
              reason: VerifyReason.VERIFY_REASON_UNKNOWN_KID,
              alg: 'ES256',
              count: 5,
              windowStart: new Date(),
            },
          ],
        });
        await page.goto(`${origin}/key-sets/default/failures`);
        await expect
          .poll(async () => {
            await page.reload();
            return page.getByTestId('grand-total').textContent();
          })
          .toBe('5');
        expect(await page.getByTestId('lifecycle-events').textContent()).toContain(`${pendingKid} published`);
        const { kids } = await rpc.diagnoseVerificationFailures({
          keySet: 'default',
          from: new Date(Date.now() - 3_600_000),
          to: new Date(Date.now() + 60_000),
        });
        const diagnosis = kids.find((kid) => kid.kid === pendingKid)!;
        expect(await page.getByTestId(`diagnosis-${pendingKid}`).getByTestId('explanation').textContent()).toBe(
          diagnosis.explanation,
        );
      } finally {
        client.close();
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
