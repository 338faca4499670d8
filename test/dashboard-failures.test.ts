// @vitest-environment node
// The failures screen and the overview's failure column end to end: a real Keyward, a rotation,
// failure reports sent through the API by two reporting tokens, and the dashboard's production
// build driven by Chromium. What the pages show is checked against what was reported and against
// what the API itself answers.
import { RotationMode, Role, Scope, VerifyReason } from '@keyward/proto/keyward/v1';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningDashboard,
  cspViolationsOf,
  launchChromium,
  newPage,
  saveScreenshot,
  signIn,
  startDashboard,
} from './support/dashboard.js';
import { useTestKeyward } from './support/keyward.js';

const kw = useTestKeyward();
const PASSWORD = 'a password of decent length';
const MINUTE = 60_000;

let dashboard: RunningDashboard;
let browser: Browser;
let page: Page;
let cspViolations: string[];
let oldKid: string;
let newKid: string;

/** `count` failures of `kid` for `reason`, counted `minutesAgo` minutes ago, reported by `token`. */
async function report(token: string, kid: string, reason: VerifyReason, count: number, minutesAgo: number) {
  const windowStart = new Date(Date.now() - minutesAgo * MINUTE);
  await kw.rpc.reportVerificationFailures(
    { keySet: 'orders', items: [{ kid, reason, alg: 'ES256', count, windowStart }] },
    token,
  );
}

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'fay', password: PASSWORD, role: Role.ROLE_VIEWER });
  oldKid = (await kw.rpc.createKeySet({ keySet: 'orders', algorithm: 'ES256', kidScheme: 0 })).activeKey!.kid;
  newKid = (await kw.rpc.rotate({ keySet: 'orders', reason: 'e2e', mode: RotationMode.ROTATION_MODE_IMMEDIATE }))
    .newKey!.kid;
  const grants = [{ keySet: 'orders', scopes: [Scope.SCOPE_REPORT] }];
  const rp = (await kw.rpc.createApiToken({ name: 'rp', grants })).secret;
  const rp2 = (await kw.rpc.createApiToken({ name: 'rp2', grants })).secret;
  // A quiet day (5 failures), then 45 within the last quarter hour: a spike.
  await report(rp, oldKid, VerifyReason.VERIFY_REASON_BAD_SIGNATURE, 3, 180);
  await report(rp2, 'forged-kid', VerifyReason.VERIFY_REASON_UNKNOWN_KID, 2, 120);
  await report(rp, newKid, VerifyReason.VERIFY_REASON_UNKNOWN_KID, 40, 10);
  await report(rp2, newKid, VerifyReason.VERIFY_REASON_EXPIRED, 5, 5);
  await kw.running.flushUsage();

  dashboard = await startDashboard(kw.grpcAddress);
  browser = await launchChromium();
  page = await newPage(browser);
  cspViolations = cspViolationsOf(page);
  await signIn(page, dashboard.origin, 'fay', PASSWORD);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

const texts = (testId: string) => page.getByTestId(testId).allTextContents();
async function titles(): Promise<(string | null)[]> {
  const cells = await page.getByTestId('series-name').all();
  return Promise.all(cells.map((cell) => cell.getAttribute('title')));
}

describe('the failures screen', () => {
  it('charts the reported failures stacked by reason, with the rotation as a marker', async () => {
    await page.goto(`${dashboard.origin}/key-sets/orders/failures`);
    const chart = page.getByTestId('failure-chart');
    expect(await chart.getAttribute('aria-label')).toMatch(
      /^Verification failures of orders per 10 minutes, stacked by reason, 50 in all/,
    );
    await expect.poll(() => chart.locator('svg path').count()).toBeGreaterThan(3);
    // ECharts draws the markers' labels as SVG text.
    const labels = () => chart.locator('svg text').allTextContents();
    await expect
      .poll(async () => (await labels()).some((text) => text.includes(`activated ${newKid.slice(0, 8)}…`)))
      .toBe(true);
    expect(await page.getByTestId('lifecycle-events').textContent()).toContain(`${newKid} activated`);
  });

  it('has a table whose totals are what was reported', async () => {
    expect(await titles()).toEqual(['UNKNOWN_KID', 'EXPIRED', 'BAD_SIGNATURE']);
    expect(await page.getByTestId('grand-total').textContent()).toBe('50');
    const rowTotals = (await texts('row-total')).map(Number);
    expect(rowTotals.reduce((sum, value) => sum + value, 0)).toBe(50);
    expect(rowTotals[0]).toBe(3);
  });

  it('splits by kid through the URL', async () => {
    await page.getByTestId('group-kid').click();
    await page.waitForURL(/group=kid/);
    expect(new URL(page.url()).searchParams.get('range')).toBe('24h');
    await expect.poll(titles).toEqual([newKid, oldKid, 'unknown']);
    expect(await page.getByTestId('grand-total').textContent()).toBe('50');
  });

  it('shows the diagnosis of the failing kid as the API gives it', async () => {
    const from = new Date(await page.getByTestId('from').inputValue());
    const to = new Date(await page.getByTestId('to').inputValue());
    const { kids } = await kw.rpc.diagnoseVerificationFailures({ keySet: 'orders', from, to });
    const expected = kids.find((kid) => kid.kid === newKid)!;
    const card = page.getByTestId(`diagnosis-${newKid}`);
    expect(await card.getByTestId('failures').textContent()).toBe('45');
    expect(await card.getByTestId('explanation').textContent()).toBe(expected.explanation);
    if (expected.advice !== '') expect(await card.getByTestId('advice').textContent()).toBe(expected.advice);
  });

  it('drills into a step from its table row: the kids and clients behind it, as a deep link', async () => {
    await page.getByTestId('failure-row').last().getByRole('link').click();
    await page.waitForURL(/[?&]at=/);
    const drillUrl = page.url();
    await expect.poll(() => page.getByTestId('drill-clients').textContent()).toContain('token:rp2');
    expect(await page.getByTestId('drill-kids').textContent()).toContain(newKid);
    await saveScreenshot(page, 'failures');
    // The same URL in a fresh page renders the same drill-down on the server.
    const again = await page.context().newPage();
    await again.goto(drillUrl);
    expect(await again.getByTestId('drill-clients').textContent()).toContain('token:rp2');
    await again.close();
  });

  it('drills into a step by clicking its bar in the chart', async () => {
    await page.goto(`${dashboard.origin}/key-sets/orders/failures?range=24h&group=reason`);
    const chart = page.getByTestId('failure-chart');
    await expect.poll(() => chart.locator('svg path').count()).toBeGreaterThan(3);
    // The tallest bar-shaped path (not the thin marker lines) is the bar of the 40 UNKNOWN_KID failures.
    type Box = { x: number; y: number; width: number; height: number };
    const boxes = await chart.locator('svg path').evaluateAll((paths: { getBoundingClientRect(): Box }[]) =>
      paths.map((path) => {
        const { x, y, width, height } = path.getBoundingClientRect();
        return { x, y, width, height };
      }),
    );
    const bars = boxes.filter((box) => box.width >= 3 && box.width < 30 && box.height > 20);
    const tallest = bars.reduce((a, b) => (b.height > a.height ? b : a));
    await page.mouse.click(tallest.x + tallest.width / 2, tallest.y + tallest.height / 2);
    await page.waitForURL(/[?&]at=/);
    await expect.poll(() => page.getByTestId('drill-clients').textContent()).toContain('token:rp');
    expect(await page.getByTestId('drill-kids').textContent()).toContain(newKid);
  });

  it('says what is wrong with a bad URL, and shows the default instead of failing', async () => {
    await page.goto(`${dashboard.origin}/key-sets/orders/failures?range=1y&group=colour&at=soon`);
    expect(await page.getByTestId('query-problems').textContent()).toContain('“1y” is not a range');
    expect(await page.getByTestId('grand-total').textContent()).toBe('50');
    // A key set without failures: an empty chart, and the table says so.
    await page.goto(`${dashboard.origin}/key-sets/default/failures?range=1h`);
    await expect.poll(() => page.getByTestId('failure-chart').locator('svg').count()).toBe(1);
    expect(await page.getByText('No failure was reported in this range.').count()).toBe(1);
    expect(await page.getByTestId('diagnoses').count()).toBe(0);
    const missing = await page.goto(`${dashboard.origin}/key-sets/no-such-set/failures`);
    expect(missing!.status()).toBe(404);
  });
});

describe('the overview', () => {
  it('shows a sparkline of the last 24 hours and warns of the failing spike', async () => {
    await page.goto(`${dashboard.origin}/`);
    const row = page.getByTestId('key-set-orders');
    await expect.poll(() => row.getByTestId('sparkline-orders').locator('svg path').count()).toBeGreaterThan(0);
    expect(await row.getByTestId('sparkline-orders').getAttribute('aria-label')).toContain(
      `activated ${newKid.slice(0, 8)}…`,
    );
    expect(await row.getByTestId('failures-link').textContent()).toBe('50 failures');
    expect(await row.getByTestId('warning-spike').textContent()).toMatch(
      /^Failing spike: 45 failures in the last hour/,
    );
    expect(await page.getByTestId('key-set-default').getByTestId('warnings').count()).toBe(0);
    await saveScreenshot(page, 'overview');

    await row.getByTestId('failures-link').click();
    await page.waitForURL(/\/key-sets\/orders\/failures\?range=24h/);
    expect(cspViolations).toEqual([]);
  });

  it('fits a narrow window: nothing wider than the page but the tables, which scroll in their box', async () => {
    await page.setViewportSize({ width: 390, height: 800 });
    for (const path of ['/', '/key-sets/orders/failures?range=24h&group=kid']) {
      await page.goto(`${dashboard.origin}${path}`);
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    }
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(cspViolations).toEqual([]);
  });
});
