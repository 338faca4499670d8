// @vitest-environment node
// The dashboard end to end: a real Keyward, the dashboard's production build (`next start`) as a
// child process pointed at it, and Debian's Chromium driving it like a person would.
import { status } from '@grpc/grpc-js';
import { Role } from '@keyward/proto/keyward/v1';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestKeyward } from './support/keyward.js';
import { statusOf } from './support/grpc-errors.js';
import { REPO_ROOT } from './support/process.js';

const kw = useTestKeyward();
const PASSWORD = 'a password of decent length';
const SCREENSHOT = '/tmp/dashboard-overview.png';

let dashboard: ChildProcess;
let origin: string;
let browser: Browser;
let page: Page;
let activeKid: string;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** `next start` of the build in dashboard/.next; resolves once it says it is ready. */
async function startDashboard(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/next/dist/bin/next'), 'start', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: join(REPO_ROOT, 'dashboard'),
      env: { PATH: process.env.PATH ?? '', NEXT_TELEMETRY_DISABLED: '1', KEYWARD_SERVER: kw.grpcAddress },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`next start exited (${code}): ${output}`)));
  });
  return child;
}

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'sam', password: PASSWORD, role: Role.ROLE_OPERATOR });
  const created = await kw.rpc.createKeySet({ keySet: 'payments', algorithm: 'ES256', kidScheme: 0 });
  activeKid = created.activeKey!.kid;
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  dashboard = await startDashboard(port);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  if (dashboard !== undefined && dashboard.exitCode === null) {
    const exited = once(dashboard, 'exit');
    dashboard.kill('SIGTERM');
    await exited;
  }
});

describe('the dashboard', () => {
  const cspViolations: string[] = [];

  it('sends a visitor without a session to sign-in, keeping where they were going', async () => {
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    });
    await page.goto(`${origin}/`);
    expect(page.url()).toBe(`${origin}/sign-in?next=%2F`);
  });

  it('refuses a wrong password with a message', async () => {
    await page.getByTestId('username').fill('sam');
    await page.getByTestId('password').fill('not the password at all');
    await page.getByTestId('sign-in').click();
    await expect.poll(() => page.getByTestId('sign-in-error').textContent()).toBe('Wrong username or password.');
  });

  it('signs in to the overview of every key set, with strict headers and a strict cookie', async () => {
    expect(await page.getByTestId('username').inputValue()).toBe('sam');
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${origin}/`);
    await expect.poll(() => page.getByTestId('staff').textContent()).toBe('Signed in as sam (operator)');
    expect(await page.getByTestId('key-set-default').count()).toBe(1);
    const row = page.getByTestId('key-set-payments');
    expect(await row.textContent()).toContain(activeKid);
    expect(await row.textContent()).toContain('ES256');
    expect(await row.textContent()).toMatch(/in \d+ days?: .* becomes retired/);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    const response = await page.goto(`${origin}/`);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toMatch(
      /script-src 'self' 'nonce-[A-Za-z0-9+/]{22}==' 'strict-dynamic'.*connect-src 'self'.*frame-ancestors 'none'.*object-src 'none'.*base-uri 'none'/,
    );
    expect(headers['cache-control']).toContain('no-store');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    // The next response carries a nonce of its own.
    const again = (await page.goto(`${origin}/`))!.headers()['content-security-policy'];
    expect(again).not.toBe(headers['content-security-policy']);

    const cookie = (await page.context().cookies()).find((c) => c.name === 'keyward_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000);
    expect(await kw.rpc.whoAmI({}, cookie!.value)).toMatchObject({ principal: 'user:sam' });
    expect(cspViolations).toEqual([]);
  });

  it('lists the keys of a key set and its policy in words', async () => {
    await page.getByRole('link', { name: 'payments' }).click();
    await page.waitForURL(`${origin}/key-sets/payments`);
    expect(await page.getByTestId(`key-${activeKid}`).getByTestId('state').textContent()).toBe('active');
    expect(await page.getByTestId('policy').textContent()).toContain('A new key takes over every 30 days.');
  });

  it('answers an unknown page with 404 under the same CSP, its scripts allowed by their nonce', async () => {
    const response = await page.goto(`${origin}/no-such-page`);
    expect(response!.status()).toBe(404);
    expect(response!.headers()['content-security-policy']).toMatch(/'nonce-[A-Za-z0-9+/]{22}=='/);
    await page.goBack();
    expect(cspViolations).toEqual([]);
  });

  it('signs out: the session ends on the server and the browser is back at sign-in', async () => {
    const token = (await page.context().cookies()).find((c) => c.name === 'keyward_session')!.value;
    await page.getByTestId('sign-out').click();
    await page.waitForURL(/\/sign-in/);
    expect(await statusOf(kw.rpc.whoAmI({}, token))).toBe(status.UNAUTHENTICATED);
    expect((await page.context().cookies()).some((c) => c.name === 'keyward_session')).toBe(false);
    await page.goto(`${origin}/key-sets/payments`);
    expect(page.url()).toBe(`${origin}/sign-in?next=%2Fkey-sets%2Fpayments`);
  });
});
