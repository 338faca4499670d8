// @vitest-environment node
// The dashboard's actions end to end: each role through the UI of a production build, against a
// real Keyward, every effect checked through the gRPC API. A viewer's forged Server Action request
// shows that the server, not the hidden button, is what refuses.
import { status } from '@grpc/grpc-js';
import { KeyState, Role, type Key } from '@keyward/proto/keyward/v1';
import type { Browser, Page, Request } from 'playwright-core';
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
import { statusOf } from './support/grpc-errors.js';
import { useTestKeyward } from './support/keyward.js';
import { jwksUrl } from './support/lifecycle-helpers.js';

const kw = useTestKeyward();
const PASSWORD = 'a password of decent length';
const ROTATED = 'orders';
const POLICED = 'billing';

let dashboard: RunningDashboard;
let origin: string;
let browser: Browser;
const pages: Record<'viewer' | 'operator' | 'admin', Page> = {} as never;
const violations: string[][] = [];

async function keysOf(keySet: string): Promise<Key[]> {
  return (await kw.rpc.listKeys({ keySet, pageSize: 500 })).keys;
}

const stateOf = async (keySet: string, kid: string) => (await keysOf(keySet)).find((key) => key.kid === kid)?.state;

async function screenshot(page: Page, name: string): Promise<void> {
  await saveScreenshot(page, name);
}

/** JWKS fetches by distinct clients, flushed: what GetRotationReadiness counts. */
async function clientsFetch(keySet: string, count: number): Promise<void> {
  for (let n = 0; n < count; n += 1) {
    const response = await fetch(jwksUrl(kw.httpUrl, keySet), { headers: { 'user-agent': `actions-client/${n}` } });
    await response.arrayBuffer();
  }
  await kw.running.flushUsage();
}

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'vera', password: PASSWORD, role: Role.ROLE_VIEWER });
  await kw.rpc.createUser({ username: 'otto', password: PASSWORD, role: Role.ROLE_OPERATOR });
  await kw.rpc.createUser({ username: 'ada', password: PASSWORD, role: Role.ROLE_ADMIN });
  await kw.rpc.createKeySet({ keySet: ROTATED, algorithm: 'ES256', kidScheme: 0 });
  await kw.rpc.createKeySet({ keySet: POLICED, algorithm: 'ES256', kidScheme: 0 });
  await clientsFetch(ROTATED, 3);
  dashboard = await startDashboard(kw.grpcAddress);
  origin = dashboard.origin;
  browser = await launchChromium();
  for (const [role, username] of [
    ['viewer', 'vera'],
    ['operator', 'otto'],
    ['admin', 'ada'],
  ] as const) {
    const page = await newPage(browser);
    violations.push(cspViolationsOf(page));
    await signIn(page, origin, username, PASSWORD);
    pages[role] = page;
  }
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

describe('a viewer', () => {
  it('sees no action on a key set, no admin screens, and a refusal on the action screens', async () => {
    const page = pages.viewer;
    await page.goto(`${origin}/key-sets/${ROTATED}`);
    expect(await page.getByTestId('keys').count()).toBe(1);
    expect(await page.getByTestId('key-set-actions').count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Tokens' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    await page.goto(`${origin}/key-sets/${ROTATED}/rotate`);
    expect(await page.getByTestId('role-refusal').textContent()).toBe('Your role (viewer) cannot rotate keys.');
    expect(await page.getByTestId('rotate').count()).toBe(0);
    await page.goto(`${origin}/tokens`);
    expect(await page.getByTestId('role-refusal').textContent()).toBe('Your role (viewer) cannot manage API tokens.');
  });
});

describe('an operator', () => {
  let pendingKid: string;
  let rotateRequest: Request;

  it('sees rotate and revoke but not the policy edit on a key set', async () => {
    const page = pages.operator;
    await page.goto(`${origin}/key-sets/${ROTATED}`);
    const actions = page.getByTestId('key-set-actions');
    expect(await actions.getByRole('link').allTextContents()).toEqual(['Rotate…', 'Revoke a key…']);
    await actions.getByRole('link', { name: 'Rotate…' }).click();
    await page.waitForURL(`${origin}/key-sets/${ROTATED}/rotate`);
  });

  it('rotates on schedule after the pre-flight: the pending key is published', async () => {
    const page = pages.operator;
    const consequences = page.getByTestId('consequences');
    expect(await consequences.textContent()).toContain(
      'A new key is published in the JWKS now and starts signing after the pre-publish period of 10 minutes',
    );
    expect(await consequences.textContent()).toContain('3 clients fetched the JWKS in the last 1 day');
    expect(await page.getByTestId('rotate').isDisabled()).toBe(true);
    await page.getByTestId('reason').fill('quarterly rotation');
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined),
      page.getByTestId('rotate').click(),
    ]);
    rotateRequest = request;
    await page.getByTestId('rotation-result').waitFor();
    pendingKid = (await page.getByTestId('new-kid').textContent())!;
    expect(await page.getByTestId('outcome').textContent()).toBe('applied');
    expect(await stateOf(ROTATED, pendingKid)).toBe(KeyState.KEY_STATE_PENDING);
    await screenshot(page, 'rotate');
  });

  it("a viewer's replay of that Server Action is refused by the server, and nothing changes", async () => {
    const before = await keysOf(ROTATED);
    const headers = await rotateRequest.allHeaders();
    delete headers.cookie;
    const response = await pages.viewer.context().request.post(rotateRequest.url(), {
      headers,
      data: rotateRequest.postDataBuffer()!,
    });
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain('Your role (viewer) cannot rotate keys.');
    expect(await keysOf(ROTATED)).toEqual(before);
  });

  it('asking again on schedule returns the pending key', async () => {
    const page = pages.operator;
    await page.goto(`${origin}/key-sets/${ROTATED}/rotate`);
    expect(await page.getByTestId('consequences').textContent()).toContain(`key ${pendingKid} is pending`);
    await page.getByTestId('reason').fill('again');
    await page.getByTestId('rotate').click();
    await expect.poll(() => page.getByTestId('outcome').textContent()).toBe('already_pending');
    expect(await page.getByTestId('new-kid').textContent()).toBe(pendingKid);
  });

  it('rotates immediately only after accepting the clients that will fail: the pending key signs', async () => {
    const page = pages.operator;
    await page.goto(`${origin}/key-sets/${ROTATED}/rotate`);
    await page.getByTestId('mode-immediate').check();
    expect(await page.getByTestId('consequences').textContent()).toContain(
      '3 of 3 clients seen in the last 1 day cache a JWKS that lacks the new key for up to 6 minutes',
    );
    await page.getByTestId('reason').fill('suspected leak');
    expect(await page.getByTestId('rotate').isDisabled()).toBe(true);
    await page.getByTestId('accept-failures').check();
    await page.getByTestId('rotate').click();
    await page.getByTestId('rotation-result').waitFor();
    expect(await page.getByTestId('new-kid').textContent()).toBe(pendingKid);
    expect(await stateOf(ROTATED, pendingKid)).toBe(KeyState.KEY_STATE_ACTIVE);
    expect((await kw.rpc.getKeySet({ keySet: ROTATED })).keySet!.activeKid).toBe(pendingKid);
  });

  it('revokes the signing key only once its kid is typed: a replacement signs', async () => {
    const page = pages.operator;
    await page.goto(`${origin}/key-sets/${ROTATED}`);
    await page.getByTestId('key-set-actions').getByRole('link', { name: 'Revoke a key…' }).click();
    await page.waitForURL(`${origin}/key-sets/${ROTATED}/revoke`);
    await page.getByTestId(`choose-${pendingKid}`).check();
    const consequences = await page.getByTestId('consequences').textContent();
    expect(consequences).toContain(`Key ${pendingKid} leaves the JWKS at once`);
    expect(consequences).toContain('It is the signing key: Keyward creates a new key that signs at once.');
    await page.getByTestId('reason').fill('private key found in a log');
    await page.getByTestId('confirm-kid').fill(pendingKid.slice(0, -1));
    expect(await page.getByTestId('revoke').isDisabled()).toBe(true);
    await page.getByTestId('confirm-kid').fill(pendingKid);
    expect(await page.getByTestId('revoke').isDisabled()).toBe(false);
    await screenshot(page, 'revoke');

    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.headers()['next-action'] !== undefined),
      page.getByTestId('revoke').click(),
    ]);
    await page.getByTestId('revocation-result').waitFor();
    const replacement = (await page.getByTestId('replacement-kid').textContent())!;
    expect(await stateOf(ROTATED, pendingKid)).toBe(KeyState.KEY_STATE_REVOKED);
    expect(await stateOf(ROTATED, replacement)).toBe(KeyState.KEY_STATE_ACTIVE);

    // The browser's check proves nothing: the same request for the retired key, with another kid
    // typed, is refused by the Server Action itself.
    const retired = (await keysOf(ROTATED)).find((key) => key.state === KeyState.KEY_STATE_RETIRED)!.kid;
    const forged = request
      .postData()!
      .replace(/(name="[^"]*_kid"\r\n\r\n)[^\r]*/, `$1${retired}`)
      .replace(/(name="[^"]*confirm_kid"\r\n\r\n)[^\r]*/, '$1forged');
    const headers = await request.allHeaders();
    delete headers.cookie;
    const response = await page.context().request.post(request.url(), { headers, data: forged });
    expect(await response.text()).toContain(`Type the kid ${retired} exactly to confirm.`);
    expect(await stateOf(ROTATED, retired)).toBe(KeyState.KEY_STATE_RETIRED);
  });

  it('cannot reach the admin screens, and the server refuses a policy change', async () => {
    const page = pages.operator;
    await page.goto(`${origin}/key-sets/${POLICED}/policy`);
    expect(await page.getByTestId('role-refusal').textContent()).toBe('Your role (operator) cannot edit policies.');
    expect(await statusOf(kw.rpc.listUsers({}, await sessionOf(page)))).toBe(status.PERMISSION_DENIED);
  });
});

async function sessionOf(page: Page): Promise<string> {
  return (await page.context().cookies()).find((cookie) => cookie.name === 'keyward_session')!.value;
}

describe('an admin', () => {
  it('edits a policy: reviews its meaning in words, then saves only the changed field', async () => {
    const page = pages.admin;
    await page.goto(`${origin}/key-sets/${POLICED}`);
    await page.getByTestId('key-set-actions').getByRole('link', { name: 'Edit policy…' }).click();
    await page.waitForURL(`${origin}/key-sets/${POLICED}/policy`);
    await page.getByTestId('amount-grace_period').fill('2');
    await page.getByTestId('unit-grace_period').selectOption('days');
    await page.getByTestId('review').click();
    const preview = page.getByTestId('policy-preview');
    await preview.waitFor();
    expect(await preview.textContent()).toContain('Changes: grace period.');
    expect(await preview.textContent()).toContain('A retired key stays published for 2 days');
    expect((await kw.rpc.getKeySet({ keySet: POLICED })).keySet!.policy!.gracePeriod!.seconds).toBe('86400');
    await page.getByTestId('reason').fill('longer-lived tokens in flight');
    await page.getByTestId('save').click();
    await expect.poll(() => preview.textContent()).toContain('Saved: the policy now reads');
    const policy = (await kw.rpc.getKeySet({ keySet: POLICED })).keySet!.policy!;
    expect(policy.gracePeriod!.seconds).toBe(String(2 * 86_400));
    expect(policy.rotationPeriod!.seconds).toBe(String(30 * 86_400));
  });

  it("refuses an unsafe policy inline with Keyward's reason, and nothing changes", async () => {
    const page = pages.admin;
    const before = (await kw.rpc.getKeySet({ keySet: POLICED })).keySet!.policy;
    await page.reload();
    await page.getByTestId('amount-pre_publish_period').fill('1');
    await page.getByTestId('unit-pre_publish_period').selectOption('minutes');
    await page.getByTestId('review').click();
    await page.getByTestId('save').click();
    const problem = page.getByTestId('problem-pre_publish_period');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/^60s is shorter than the 360s a client may cache the JWKS/);
    expect(await page.getByTestId('action-error').textContent()).toContain('Keyward refused this policy');
    expect(await page.getByTestId('amount-pre_publish_period').getAttribute('aria-invalid')).toBe('true');
    expect((await kw.rpc.getKeySet({ keySet: POLICED })).keySet!.policy).toEqual(before);
    await screenshot(page, 'policy');
  });

  it('creates a token whose secret is shown once and works, then revokes it', async () => {
    const page = pages.admin;
    await page.getByRole('link', { name: 'Tokens' }).click();
    await page.waitForURL(`${origin}/tokens`);
    await page.getByTestId('token-name').fill('ci-signer');
    await page.getByTestId('grant-0').getByTestId('grant-key-set').selectOption(ROTATED);
    await page.getByTestId('ttl').fill('7');
    await page.getByTestId('create-token').click();
    // No scope checked yet: refused, and what was typed stays.
    expect(await page.getByTestId('action-error').textContent()).toBe('Grant at least one scope on a key set.');
    expect(await page.getByTestId('token-name').inputValue()).toBe('ci-signer');
    await page.getByTestId('grant-0').getByTestId('scope-sign').check();
    await page.getByTestId('grant-0').getByTestId('scope-read').check();
    await page.getByTestId('create-token').click();
    const secret = (await page.getByTestId('secret').textContent())!;
    expect(await page.getByTestId('new-token').textContent()).toContain('It is shown this once');
    expect(await kw.rpc.whoAmI({}, secret)).toMatchObject({ principal: 'token:ci-signer' });
    expect(page.url()).not.toContain(secret);
    expect(JSON.stringify(await page.context().cookies())).not.toContain(secret);
    const row = page.getByTestId('token-ci-signer');
    await row.waitFor();
    expect(await row.textContent()).toMatch(/orders: (read, sign|sign, read)/);

    await page.reload();
    expect(await page.getByTestId('secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);

    await row.getByTestId('revoke-token').click();
    expect(await row.textContent()).toContain('Every call made with ci-signer fails from now on');
    await screenshot(page, 'tokens');
    await row.getByTestId('confirm-revoke').click();
    await expect.poll(() => row.getByTestId('status').textContent()).toBe('revoked');
    expect(await statusOf(kw.rpc.whoAmI({}, secret))).toBe(status.UNAUTHENTICATED);
  });

  it('creates a staff user, changes their role, and disables them', async () => {
    const page = pages.admin;
    await page.getByRole('link', { name: 'Users' }).click();
    await page.waitForURL(`${origin}/users`);
    await page.getByTestId('new-username').fill('nina');
    await page.getByTestId('new-role').selectOption('viewer');
    await page.getByTestId('new-password').fill(PASSWORD);
    await page.getByTestId('create-user').click();
    const row = page.getByTestId('user-nina');
    await row.waitFor();
    const nina = async () => (await kw.rpc.listUsers({ pageSize: 500 })).users.find((u) => u.username === 'nina');
    expect((await nina())?.role).toBe(Role.ROLE_VIEWER);

    await row.getByTestId('role-select').selectOption('operator');
    await row.getByTestId('change-role').click();
    await expect.poll(async () => (await nina())?.role).toBe(Role.ROLE_OPERATOR);
    await expect.poll(() => row.getByTestId('role').textContent()).toBe('operator');

    await row.getByTestId('disable').click();
    await screenshot(page, 'users');
    await row.getByTestId('confirm-disable').click();
    await expect.poll(async () => (await nina())?.disabledAt).toBeInstanceOf(Date);
    await expect.poll(() => row.getByTestId('role').textContent()).toBe('disabled');
  });
});

describe('every screen', () => {
  it('fits a 390-pixel-wide window without scrolling sideways', async () => {
    const page = await pages.admin.context().newPage();
    await page.setViewportSize({ width: 390, height: 800 });
    violations.push(cspViolationsOf(page));
    for (const path of [
      `key-sets/${ROTATED}/rotate`,
      `key-sets/${ROTATED}/revoke`,
      `key-sets/${POLICED}/policy`,
      'tokens',
      'users',
    ]) {
      await page.goto(`${origin}/${path}`);
      // How far the page reaches past the window, and (to say what to fix) the elements that do.
      const [overflow, wide] = await page.evaluate<[number, string]>(
        `[document.documentElement.scrollWidth - document.documentElement.clientWidth,
          [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > 392 && !e.closest('[class*=tableWrap]'))
            .slice(0, 5).map((e) => e.tagName + ' ' + e.textContent.slice(0, 40)).join(' | ')]`,
      );
      expect(overflow, `${path}: ${wide}`).toBeLessThanOrEqual(0);
    }
    await page.close();
  });

  it('ran without a Content-Security-Policy violation', () => {
    expect(violations.flat()).toEqual([]);
  });
});
