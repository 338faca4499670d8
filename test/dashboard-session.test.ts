// @vitest-environment node
// The staff session in the browser: a locked username is told for how long, and an expired session
// sends the user to sign-in and back to the page they were on. Keyward runs on a fake clock, so
// "fifteen minutes later" takes no time.
import { Role } from '@keyward/proto/keyward/v1';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cspViolationsOf,
  launchChromium,
  newPage,
  signIn,
  startDashboard,
  type RunningDashboard,
} from './support/dashboard.js';
import { useTestKeyward } from './support/keyward.js';
import { FakeClock } from './support/lifecycle-helpers.js';

const clock = new FakeClock(new Date());
const kw = useTestKeyward({ clock: clock.now });
const PASSWORD = 'a password of decent length';
/** startTestKeyward's session lifetime. */
const SESSION_TTL_SECONDS = 900;

let dashboard: RunningDashboard;
let browser: Browser;

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'vera', password: PASSWORD, role: Role.ROLE_VIEWER });
  await kw.rpc.createUser({ username: 'lou', password: PASSWORD, role: Role.ROLE_VIEWER });
  dashboard = await startDashboard(kw.grpcAddress);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

async function attempt(page: Page, username: string, password: string): Promise<string | null> {
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('sign-in').and(page.locator(':enabled')).waitFor();
  return page.getByTestId('sign-in-error').textContent();
}

describe('the staff session in the dashboard', () => {
  it('tells a locked-out username for how long, and refuses even the right password meanwhile', async () => {
    const page = await newPage(browser);
    await page.goto(`${dashboard.origin}/sign-in`);
    const messages: (string | null)[] = [];
    for (let i = 0; i < 5; i++) messages.push(await attempt(page, 'lou', `wrong password number ${i}`));
    expect(messages).toEqual(Array(5).fill('Wrong username or password.'));
    expect(await attempt(page, 'lou', PASSWORD)).toBe(
      'Too many failed sign-ins for this username: try again in 15 minutes.',
    );
    expect(page.url()).toBe(`${dashboard.origin}/sign-in`);
    await page.context().close();
  });

  it('sends an expired session to sign-in, and back to the page it was on', async () => {
    const page = await newPage(browser);
    const violations = cspViolationsOf(page);
    await signIn(page, dashboard.origin, 'vera', PASSWORD);
    await page.goto(`${dashboard.origin}/key-sets/default`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('default');

    clock.advance(SESSION_TTL_SECONDS + 1);
    await page.reload();
    expect(page.url()).toBe(`${dashboard.origin}/sign-in?next=%2Fkey-sets%2Fdefault`);

    await page.getByTestId('username').fill('vera');
    await page.getByTestId('password').fill(PASSWORD);
    await page.getByTestId('sign-in').click();
    await page.waitForURL(`${dashboard.origin}/key-sets/default`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('default');
    expect(violations).toEqual([]);
    await page.context().close();
  });
});
