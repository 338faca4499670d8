// @vitest-environment node
// The key page end to end: a real Keyward, the dashboard's production build, Debian's Chromium.
// What the page shows is checked against the API and against independent derivations (jose,
// node:crypto, openssl).
import { KeyState, RotationMode, Role, VerifyReason } from '@keyward/proto/keyward/v1';
import { execFileSync } from 'node:child_process';
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type RunningDashboard,
  cspViolationsOf,
  launchChromium,
  saveScreenshot,
  signIn,
  startDashboard,
} from './support/dashboard.js';
import { useTestKeyward } from './support/keyward.js';

// Real time, moved forward on demand: a scheduled rotation publishes a key, and once its
// pre-publish period has passed the scheduler activates it.
let offsetMs = 0;
const serviceNow = () => new Date(Date.now() + offsetMs);
const kw = useTestKeyward({ clock: serviceNow });
const PASSWORD = 'a password of decent length';
const SIGNATURES = 7;

let dashboard: RunningDashboard;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let cspViolations: string[];
let kid: string;
let publicJwkJson: string;
let keyPath: string;

beforeAll(async () => {
  // A viewer: the page is read-only, and everything on it is readable with read scope.
  await kw.rpc.createUser({ username: 'vera', password: PASSWORD, role: Role.ROLE_VIEWER });
  await kw.rpc.createKeySet({ keySet: 'payments', algorithm: 'ES256', kidScheme: 0 });
  const pending = (
    await kw.rpc.rotate({ keySet: 'payments', reason: 'drill', mode: RotationMode.ROTATION_MODE_SCHEDULED })
  ).newKey!;
  const policy = (await kw.rpc.getKeySet({ keySet: 'payments' })).keySet!.policy!;
  offsetMs += (Number(policy.prePublishPeriod!.seconds) + 1) * 1_000;
  await kw.running.scheduler.tick();
  const active = (await kw.rpc.listKeys({ keySet: 'payments' })).keys.find((key) => key.kid === pending.kid)!;
  expect(active.state).toBe(KeyState.KEY_STATE_ACTIVE);
  kid = active.kid;
  publicJwkJson = active.publicJwkJson;
  keyPath = `/key-sets/payments/keys/${encodeURIComponent(kid)}`;
  for (let i = 0; i < SIGNATURES; i += 1) await kw.rpc.sign({ keySet: 'payments', claimsJson: '{"sub":"s"}' });
  await kw.rpc.reportVerificationFailures({
    keySet: 'payments',
    items: [
      { kid, reason: VerifyReason.VERIFY_REASON_BAD_SIGNATURE, alg: 'ES256', count: 2, windowStart: serviceNow() },
      { kid, reason: VerifyReason.VERIFY_REASON_EXPIRED, alg: 'ES256', count: 1, windowStart: serviceNow() },
    ],
  });
  await kw.running.flushUsage();

  dashboard = await startDashboard(kw.grpcAddress);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: dashboard.origin });
  page = await context.newPage();
  cspViolations = cspViolationsOf(page);
  await signIn(page, dashboard.origin, 'vera', PASSWORD);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('the key page', () => {
  it('shows the public JWK as published, its PEM and its RFC 7638 thumbprint', async () => {
    const response = await page.goto(`${dashboard.origin}${keyPath}`);
    expect(response!.status()).toBe(200);
    expect(await page.getByTestId('kid').textContent()).toBe(kid);
    expect(await page.getByTestId('alg').textContent()).toBe('ES256');
    expect(await page.getByTestId('use').textContent()).toBe('sig');
    expect(await page.getByTestId('key-state').textContent()).toBe('active');

    const jwk = JSON.parse(publicJwkJson) as JWK;
    expect(JSON.parse((await page.getByTestId('jwk').textContent())!)).toEqual(jwk);

    const pem = (await page.getByTestId('pem').textContent())!;
    const fromJwk = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    expect(pem).toBe(fromJwk);
    // openssl reads it as the public key it is, and writes it back byte for byte.
    expect(execFileSync('openssl', ['pkey', '-pubin'], { input: pem }).toString()).toBe(pem);

    expect(await page.getByTestId('thumbprint').textContent()).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
  });

  it('copies the thumbprint to the clipboard, and says so', async () => {
    const thumbprint = await page.getByTestId('thumbprint').textContent();
    await page.getByTestId('copy-thumbprint').click();
    await expect.poll(() => page.getByTestId('copied-thumbprint').textContent()).toBe('Copied');
    expect(await page.getByTestId('copied-thumbprint').getAttribute('aria-live')).toBe('polite');
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(thumbprint);
  });

  it('lists its state history, the current state marked', async () => {
    const rows = page.getByTestId('state-history').getByTestId('interval');
    const texts = await rows.allTextContents();
    expect(texts.some((text) => text.startsWith('active') && text.endsWith('now'))).toBe(true);
    // The policy schedules the active key's retirement.
    expect(texts.some((text) => text.startsWith('retired') && text.endsWith('scheduled'))).toBe(true);
  });

  it('counts its signatures, in words and on a chart, for either range', async () => {
    expect(await page.getByTestId('signature-total').textContent()).toBe(String(SIGNATURES));
    expect(await page.getByTestId('signature-peak').textContent()).toBe(String(SIGNATURES));
    expect(await page.getByTestId('signature-chart').getAttribute('aria-label')).toContain('last 24 hours');
    await expect.poll(() => page.getByTestId('signature-chart').locator('svg').count()).toBe(1);
    await page.getByTestId('range-7d').click();
    await page.waitForURL((url) => url.searchParams.get('range') === '7d');
    expect(await page.getByTestId('range-7d').getAttribute('aria-current')).toBe('page');
    expect(await page.getByTestId('signature-total').textContent()).toBe(String(SIGNATURES));
    expect(await page.getByTestId('signature-chart').getAttribute('aria-label')).toContain('last 7 days');
  });

  it('shows the failures reported for it, with the diagnosis', async () => {
    expect(await page.getByTestId('failure-count').textContent()).toBe('3');
    const reasons = await page.getByTestId('failure-reasons').locator('tbody tr').allTextContents();
    expect(reasons).toEqual(['BAD_SIGNATURE2', 'EXPIRED1']);
    expect(await page.getByTestId('failure-explanation').textContent()).not.toBe('');
  });

  it('lists the events that name it, newest first, as the API does', async () => {
    const shown = await page.getByTestId('event-type').allTextContents();
    expect(shown).toEqual(expect.arrayContaining(['key.published', 'key.activated']));
    const api = await kw.rpc.listEvents({ keySet: 'payments', kid });
    expect(shown).toEqual(api.events.map((event) => event.type));
    expect(await page.getByTestId('older-events').count()).toBe(0);
  });

  it('falls back to the newest events when the page token in the URL is not one Keyward gave', async () => {
    await page.goto(`${dashboard.origin}${keyPath}?events=forged`);
    expect(await page.getByTestId('events-refused').count()).toBe(1);
    expect(await page.getByTestId('event-type').count()).toBeGreaterThan(0);
  });

  it('answers 404 for a kid or key set that does not exist', async () => {
    for (const path of ['/key-sets/payments/keys/no-such-kid', `/key-sets/nope/keys/${kid}`]) {
      const response = await page.goto(`${dashboard.origin}${path}`);
      expect(response!.status()).toBe(404);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Not found');
    }
  });

  it('fits a narrow window, and was taken a screenshot of', async () => {
    await page.goto(`${dashboard.origin}${keyPath}`);
    await expect.poll(() => page.getByTestId('signature-chart').locator('svg').count()).toBe(1);
    await saveScreenshot(page, 'key');
    await page.setViewportSize({ width: 390, height: 800 });
    await page.reload();
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
  });

  it('breaks no Content-Security-Policy rule', () => {
    expect(cspViolations).toEqual([]);
  });
});
