// @vitest-environment node
// The dashboard end to end: a real Keyward, the dashboard's production build (`next start`) as a
// child process pointed at it, and Debian's Chromium driving it like a person would.
import { status } from '@grpc/grpc-js';
import { Role } from '@keyward/proto/keyward/v1';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningDashboard,
  cspViolationsOf,
  launchChromium,
  newPage,
  startDashboard,
} from './support/dashboard.js';
import { useTestKeyward } from './support/keyward.js';
import { statusOf } from './support/grpc-errors.js';

const kw = useTestKeyward();
const PASSWORD = 'a password of decent length';

let dashboard: RunningDashboard;
let origin: string;
let browser: Browser;
let page: Page;
let activeKid: string;
let cspViolations: string[];

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'sam', password: PASSWORD, role: Role.ROLE_OPERATOR });
  const created = await kw.rpc.createKeySet({ keySet: 'payments', algorithm: 'ES256', kidScheme: 0 });
  activeKid = created.activeKey!.kid;
  dashboard = await startDashboard(kw.grpcAddress);
  origin = dashboard.origin;
  browser = await launchChromium();
  page = await newPage(browser);
  cspViolations = cspViolationsOf(page);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('the dashboard', () => {
  it('sends a visitor without a session to sign-in, keeping where they were going', async () => {
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
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', secure: false });
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
