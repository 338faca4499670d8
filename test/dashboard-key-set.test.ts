// @vitest-environment node
// The key set page end to end: the lifecycle timeline (chart, range presets kept in the URL, its
// table), the live JWKS beside the database's, and rotation readiness naming the client that lacks
// the pending key. A real Keyward, the dashboard's production build, Debian's Chromium.
import { KeyState, Role, RotationMode } from '@keyward/proto/keyward/v1';
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
const KEY_SET = 'orders';
const LAGGING_AGENT = 'e2e-lagging-verifier/3.1 (fetched before the rotation)';
let firstKid: string;
// Mid-tone state colours and marker colours of timeline-chart.tsx.
const ACTIVE_FILL = '#2e9d5b';
const PENDING_FILL = '#d49a0c';
const REVOKED_FILL = '#d64545';
const REVOCATION_MARKER = '#dc2626';
const ROTATION_MARKER = '#0ea5e9';

let dashboard: RunningDashboard;
let browser: Browser;
let page: Page;
let cspViolations: string[];
let pendingKid: string;

const pageUrl = (query = '') => `${dashboard.origin}/key-sets/${KEY_SET}${query}`;

/** Every text the chart's SVG draws (axis labels, the "now" label). */
const chartTexts = () => page.getByTestId('timeline-chart').locator('svg text').allTextContents();

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'vera', password: PASSWORD, role: Role.ROLE_VIEWER });
  firstKid = (await kw.rpc.createKeySet({ keySet: KEY_SET, algorithm: 'ES256', kidScheme: 0 })).activeKey!.kid;
  // A relying party fetches the JWKS, then the keys move on without it.
  const fetched = await fetch(`${kw.httpUrl}/key-sets/${KEY_SET}/.well-known/jwks.json`, {
    headers: { 'user-agent': LAGGING_AGENT },
  });
  expect(fetched.status).toBe(200);
  await fetched.arrayBuffer();
  const second = (
    await kw.rpc.rotate({ keySet: KEY_SET, reason: 'compromise drill', mode: RotationMode.ROTATION_MODE_IMMEDIATE })
  ).newKey!.kid;
  await kw.rpc.rotate({ keySet: KEY_SET, reason: 'algorithm check', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
  await kw.rpc.revokeKey({ kid: second, reason: 'leaked in a log' });
  pendingKid = (await kw.rpc.rotate({ keySet: KEY_SET, reason: 'routine', mode: RotationMode.ROTATION_MODE_SCHEDULED }))
    .newKey!.kid;
  await kw.running.flushUsage();

  // The key set's public jwks_uri (http://issuer.test/...) is not reachable here: the gateway is.
  dashboard = await startDashboard(kw.grpcAddress, { KEYWARD_GATEWAY_URL: kw.httpUrl });
  browser = await launchChromium();
  page = await newPage(browser);
  cspViolations = cspViolationsOf(page);
  await signIn(page, dashboard.origin, 'vera', PASSWORD);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('the key set page', () => {
  it('draws the lifecycle timeline: bars coloured by state, the now line, a label for screen readers', async () => {
    await page.goto(pageUrl());
    const chart = page.getByTestId('timeline-chart');
    // ECharts' aria module makes the labelled box an image.
    await expect.poll(() => chart.getAttribute('role')).toBe('img');
    expect(await chart.getAttribute('aria-label')).toMatch(
      /^Lifecycle timeline of key set orders: 4 keys, month from /,
    );
    await expect.poll(() => chart.locator(`svg path[fill="${ACTIVE_FILL}"]`).count()).toBeGreaterThan(0);
    expect(await chart.locator(`svg path[fill="${PENDING_FILL}"]`).count()).toBeGreaterThan(0);
    expect(await chart.locator(`svg path[fill="${REVOKED_FILL}"]`).count()).toBeGreaterThan(0);
    // Markers: rotations requested and the revocation.
    expect(await chart.locator(`svg [fill="${ROTATION_MARKER}"]`).count()).toBe(3);
    expect(await chart.locator(`svg [fill="${REVOCATION_MARKER}"]`).count()).toBe(1);
    expect(await chartTexts()).toContain('now');
    expect(await page.getByTestId('range-month').getAttribute('aria-current')).toBe('page');
  });

  it('keeps the range preset in the URL and redraws the axis for it', async () => {
    const monthAxis = await chartTexts();
    await page.getByTestId('range-day').click();
    await page.waitForURL(pageUrl('?range=day'));
    await expect.poll(() => page.getByTestId('range-day').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('timeline-chart').getAttribute('aria-label')).toContain(', day from ');
    await expect.poll(chartTexts).not.toEqual(monthAxis);
    // Shareable: the server renders the range a link names.
    await page.goto(pageUrl('?range=year'));
    expect(await page.getByTestId('range-year').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('timeline-chart').getAttribute('aria-label')).toContain(', year from ');
  });

  it('lists every interval of GetKeyTimeline in the table that stands in for the chart', async () => {
    const timeline = await kw.rpc.getKeyTimeline({ keySet: KEY_SET });
    const stateName = (state: KeyState) => KeyState[state].replace('KEY_STATE_', '').toLowerCase();
    // One row group per key, newest first: its kid heads the group's first row.
    const expected = [...timeline.keys]
      .reverse()
      .flatMap((key) =>
        key.intervals.map((interval, index) => [
          ...(index === 0 ? [key.kid] : []),
          stateName(interval.state),
          interval.start!.toISOString(),
          interval.end?.toISOString() ?? 'open',
          interval.scheduled ? 'yes' : 'no',
        ]),
      );
    expect(expected.length).toBeGreaterThan(3);
    // Keyboard users open it like anyone: the summary is a button.
    await page.getByText(/^Timeline as a table/).focus();
    await page.keyboard.press('Enter');
    const rows = await Promise.all(
      (await page.getByTestId('intervals').locator('tbody tr').all()).map((row) =>
        row.locator('th, td').allTextContents(),
      ),
    );
    expect(rows).toEqual(expected);
    const link = page.getByTestId('intervals').getByRole('link', { name: pendingKid }).first();
    expect(await link.getAttribute('href')).toBe(`/key-sets/${KEY_SET}/keys/${pendingKid}`);
  });

  it('shows the JWKS as served with its headers, the same as the database holds: in sync', async () => {
    const published = await kw.rpc.getJwks({ keySet: KEY_SET });
    expect(await page.getByTestId('served-etag').textContent()).toBe(published.etag);
    expect(await page.getByTestId('published-etag').textContent()).toBe(published.etag);
    expect(await page.getByTestId('served-status').textContent()).toBe('200');
    expect(await page.getByTestId('served-cache-control').textContent()).toMatch(/^public, max-age=\d+/);
    expect(await page.getByTestId('served-length').textContent()).toBe(
      `${Buffer.byteLength(published.jwksJson)} bytes`,
    );
    expect(await page.getByTestId('served-raw').textContent()).toBe(published.jwksJson);
    expect(await page.getByTestId('jwks-verdict').textContent()).toContain('in sync');
    expect(await page.getByTestId('published-same-bytes').count()).toBe(1);
  });

  it('names the client that fetched the JWKS before the rotation as lacking the pending key', async () => {
    expect(await page.getByTestId('pending-kid').textContent()).toBe(pendingKid);
    expect(await page.getByTestId('share').textContent()).toMatch(/^0 of 1 seen in the last 1 day \(0%\)/);
    const lagging = page.getByTestId('lagging-clients');
    expect(await lagging.locator('tbody tr').count()).toBe(1);
    // Named by a pseudonym (Keyward keeps no User-Agent), holding the key of the day it fetched.
    expect(await lagging.locator('tbody tr th').textContent()).toMatch(/^[0-9a-f]{16}$/);
    expect(await lagging.getByTestId('lagging-newest-kid').textContent()).toBe(firstKid);
    expect(await lagging.textContent()).not.toContain(LAGGING_AGENT);
    // Looking at the page fetched the JWKS, but the dashboard does not count as a client.
    await kw.running.flushUsage();
    expect((await kw.rpc.getRotationReadiness({ keySet: KEY_SET })).clientsSeen).toBe(1);
  });

  it('raises no Content-Security-Policy violation, and is photographed', async () => {
    await page.goto(pageUrl('?range=week'));
    await expect.poll(() => page.getByTestId('timeline-chart').locator('svg path').count()).toBeGreaterThan(0);
    await saveScreenshot(page, 'key-set');
    const narrow = await newPage(browser, { width: 390, height: 844 });
    const narrowViolations = cspViolationsOf(narrow);
    await signIn(narrow, dashboard.origin, 'vera', PASSWORD);
    await narrow.goto(pageUrl());
    await expect.poll(() => narrow.getByTestId('timeline-chart').locator('svg path').count()).toBeGreaterThan(0);
    // Nothing wider than the window: the page does not scroll sideways.
    expect(await narrow.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(narrowViolations).toEqual([]);
    expect(cspViolations).toEqual([]);
  });
});

describe('the key set page with 200 keys', () => {
  it('draws every key on the timeline (the time it takes is printed, not asserted)', async () => {
    const name = 'crowded';
    await kw.rpc.createKeySet({ keySet: name, algorithm: 'ES256', kidScheme: 0 });
    for (let n = 1; n < 200; n += 1) {
      await kw.rpc.rotate({ keySet: name, reason: `rotation ${n}`, mode: RotationMode.ROTATION_MODE_IMMEDIATE });
    }
    const started = performance.now();
    const response = await page.goto(pageUrl('?range=year').replace(KEY_SET, name));
    const served = performance.now() - started;
    expect(response!.status()).toBe(200);
    const chart = page.getByTestId('timeline-chart');
    await expect.poll(() => chart.getAttribute('aria-label')).toMatch(/: 200 keys, year from /);
    await expect.poll(() => chart.locator('svg path').count()).toBeGreaterThan(24);
    const drawn = performance.now() - started;
    console.log(`key set page, 200 keys: HTML in ${Math.round(served)} ms, chart drawn in ${Math.round(drawn)} ms`);
  }, 150_000);
});

describe('the key set page when the gateway cannot be reached', () => {
  it('says so and still shows what the database holds', async () => {
    // Without KEYWARD_GATEWAY_URL the dashboard tries the public jwks_uri, http://issuer.test.
    const unreachable = await startDashboard(kw.grpcAddress);
    try {
      const other = await newPage(browser);
      await signIn(other, unreachable.origin, 'vera', PASSWORD);
      await other.goto(`${unreachable.origin}/key-sets/${KEY_SET}`);
      expect(await other.getByTestId('jwks-unreachable').textContent()).toMatch(
        /^The live JWKS could not be fetched from http:\/\/issuer\.test\/key-sets\/orders\/\.well-known\/jwks\.json: the gateway could not be reached/,
      );
      expect(await other.getByTestId('published-etag').textContent()).toBe(
        (await kw.rpc.getJwks({ keySet: KEY_SET })).etag,
      );
      expect(await other.getByTestId('timeline-chart').count()).toBe(1);
    } finally {
      await unreachable.stop();
    }
  });
});
