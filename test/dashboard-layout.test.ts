// @vitest-environment node
// Every screen of the dashboard, as an admin sees it, at 1280×800 and on a narrow phone-sized
// window, in the light and the dark colour scheme: it renders, nothing spills sideways, every
// form control has a name a screen reader can say, every chart says what it shows, and the CSP
// refuses nothing.
import { Role, RotationMode } from '@keyward/proto/keyward/v1';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cspViolationsOf, launchChromium, signIn, startDashboard, type RunningDashboard } from './support/dashboard.js';
import { useTestKeyward } from './support/keyward.js';

const kw = useTestKeyward();
const PASSWORD = 'a password of decent length';

let dashboard: RunningDashboard;
let browser: Browser;
let screens: string[];

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'ada', password: PASSWORD, role: Role.ROLE_ADMIN });
  await kw.rpc.rotate({ keySet: 'default', mode: RotationMode.ROTATION_MODE_SCHEDULED, reason: 'a pending key' });
  const { keys } = await kw.rpc.listKeys({ keySet: 'default' });
  screens = [
    '/',
    '/key-sets/default',
    `/key-sets/default/keys/${keys[0]!.kid}`,
    '/key-sets/default/failures',
    '/key-sets/default/rotate',
    '/key-sets/default/revoke',
    '/key-sets/default/policy',
    '/audit',
    '/tokens',
    '/users',
    '/tools',
  ];
  dashboard = await startDashboard(kw.grpcAddress);
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

interface Findings {
  readonly overflow: number;
  readonly unnamedControls: string[];
  readonly unnamedCharts: number;
}

/**
 * What the page shows a person who cannot see it, and whether it fits its window. Evaluated in
 * the page as plain JavaScript (the tests are type-checked without the DOM's types).
 */
const INSPECT = `(() => {
  const named = (element) =>
    (element.labels?.length ?? 0) > 0 ||
    (element.tagName === 'BUTTON' && element.textContent.trim() !== '') ||
    Boolean(element.getAttribute('aria-label')) ||
    Boolean(element.getAttribute('aria-labelledby'));
  const controls = Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button'));
  return {
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    unnamedControls: controls.filter((element) => !named(element)).map((element) => element.outerHTML.slice(0, 120)),
    unnamedCharts: Array.from(document.querySelectorAll('.chart')).filter((chart) => !chart.getAttribute('aria-label')).length,
  };
})()`;

describe.each([
  { name: 'at 1280×800 in the light scheme', viewport: { width: 1280, height: 800 }, colorScheme: 'light' as const },
  { name: 'at 390×844 in the dark scheme', viewport: { width: 390, height: 844 }, colorScheme: 'dark' as const },
])('every screen $name', ({ viewport, colorScheme }) => {
  it('renders, fits, names its controls and charts, with no CSP refusal', async () => {
    const context = await browser.newContext({ viewport, colorScheme });
    const page = await context.newPage();
    const violations = cspViolationsOf(page);
    await signIn(page, dashboard.origin, 'ada', PASSWORD);
    const problems: Record<string, unknown> = {};
    for (const screen of screens) {
      const response = await page.goto(`${dashboard.origin}${screen}`);
      await page.waitForLoadState('networkidle');
      const findings = await page.evaluate<Findings>(INSPECT);
      const status = response?.status();
      if (
        status !== 200 ||
        findings.overflow > 0 ||
        findings.unnamedControls.length > 0 ||
        findings.unnamedCharts > 0
      ) {
        problems[screen] = { status, ...findings };
      }
    }
    expect(problems).toEqual({});
    expect(violations).toEqual([]);
    await context.close();
  }, 120_000);
});
