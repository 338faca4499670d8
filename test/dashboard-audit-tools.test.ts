// @vitest-environment node
// The audit log and the JWK tools end to end: a real Keyward, the dashboard's production build, and
// Debian's Chromium. Audit events are made through the gRPC API and read back through the page and
// the CSV export; the JWK tools' results are checked against node:crypto and jose, while every
// request the page makes is recorded to prove that no key material left the browser.
import { createPrivateKey, createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { RotationMode, Role, type Event, type ListEventsRequest } from '@keyward/proto/keyward/v1';
import { parse } from 'csv-parse/sync';
import { calculateJwkThumbprint, type JWK } from 'jose';
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

const kw = useTestKeyward();
const PASSWORD = 'a password of decent length';
const FORMULA_REASON = '=HYPERLINK("http://evil.example","open me")';

let dashboard: RunningDashboard;
let origin: string;
let browser: Browser;
let page: Page;
let cspViolations: string[];

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'ada', password: PASSWORD, role: Role.ROLE_ADMIN });
  await kw.rpc.createUser({ username: 'sam', password: PASSWORD, role: Role.ROLE_OPERATOR });
  await kw.rpc.createKeySet({ keySet: 'payments', algorithm: 'ES256', kidScheme: 0 });
  await kw.rpc.rotate({ keySet: 'payments', reason: FORMULA_REASON, mode: RotationMode.ROTATION_MODE_IMMEDIATE });
  expect(await statusOf(kw.rpc.login({ username: 'sam', password: 'not the password' }, null))).toBe(
    status.UNAUTHENTICATED,
  );
  dashboard = await startDashboard(kw.grpcAddress);
  origin = dashboard.origin;
  browser = await launchChromium();
  page = await newPage(browser);
  cspViolations = cspViolationsOf(page);
  await signIn(page, origin, 'ada', PASSWORD);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.stop();
});

/** Every event ListEvents gives for `filters`, all pages. */
async function allEvents(filters: Partial<ListEventsRequest> = {}): Promise<Event[]> {
  const events: Event[] = [];
  let pageToken = '';
  do {
    const page = await kw.rpc.listEvents({ keySet: '', kid: '', ...filters, pageSize: 500, pageToken });
    events.push(...page.events);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return events;
}

const ids = (events: readonly Event[]) => events.map((event) => event.id);

/** The ids of the events the table shows, top to bottom. */
async function tableIds(): Promise<string[]> {
  const rows = await page.getByTestId('event').all();
  return Promise.all(rows.map(async (row) => (await row.getAttribute('data-event-id')) ?? ''));
}

function cellsOf(testId: string): Promise<string[]> {
  return page.getByTestId(testId).allTextContents();
}

async function applyFilters(): Promise<void> {
  const before = page.url();
  await page.getByTestId('apply-filters').click();
  await page.waitForURL((url) => url.href !== before);
}

/** How wide the document is: wider than the window means a sideways scroll of the whole page. */
/** For expect.poll: the text of `testId` on `on`, or '' while it is not shown yet. */
function shownText(on: Page, testId: string): () => Promise<string | null> {
  return () =>
    on
      .getByTestId(testId)
      .textContent()
      .catch(() => '');
}

function pageWidth(on: Page): Promise<number> {
  return on.evaluate<number>('document.documentElement.scrollWidth');
}

/** `url` in a 390-pixel-wide window (a phone) of the same session: nothing wider than the window. */
async function narrowWidth(url: string): Promise<number> {
  const narrow = await page.context().newPage();
  await narrow.setViewportSize({ width: 390, height: 800 });
  await narrow.goto(url);
  const width = await pageWidth(narrow);
  await narrow.close();
  return width;
}

async function sessionCookie(): Promise<string> {
  const cookie = (await page.context().cookies()).find((c) => c.name === 'keyward_session');
  return `keyward_session=${cookie!.value}`;
}

describe('the audit log', () => {
  it('lists the events ListEvents gives, newest first, each with its details', async () => {
    await page.getByRole('link', { name: 'Audit log' }).click();
    await page.waitForURL(`${origin}/audit`);
    const expected = await allEvents();
    expect(expected.map((event) => event.type)).toEqual(
      expect.arrayContaining([
        'key_set.created',
        'key.activated',
        'user.created',
        'user.login_failed',
        'user.logged_in',
      ]),
    );
    expect(await tableIds()).toEqual(ids(expected));
    const rotation = expected.find((event) => event.reason === FORMULA_REASON)!;
    const row = page.locator(`#event-${rotation.id}`);
    expect(await row.getByTestId('event-reason').textContent()).toBe(FORMULA_REASON);
    expect(await row.getByTestId('event-key-set').textContent()).toBe('payments');
    await row.locator('summary').click();
    expect(await row.locator('pre').first().isVisible()).toBe(true);
    await saveScreenshot(page, 'audit');
    expect(await pageWidth(page)).toBeLessThanOrEqual(1280);
    expect(cspViolations).toEqual([]);
  });

  it('fits a narrow window: the table scrolls inside its own box', async () => {
    expect(await narrowWidth(`${origin}/audit`)).toBeLessThanOrEqual(390);
  });

  it('narrows the table by type through the form, and the URL holds the filter', async () => {
    await page.getByTestId('filter-type').selectOption('user.login_failed');
    await applyFilters();
    expect(new URL(page.url()).searchParams.get('type')).toBe('user.login_failed');
    const expected = await allEvents({ type: 'user.login_failed' });
    expect(expected).toHaveLength(1);
    expect(await tableIds()).toEqual(ids(expected));
    expect(await cellsOf('event-actor')).toEqual(['anonymous']);
    expect(await cellsOf('event-outcome')).toEqual(['refused']);

    await page.reload();
    expect(await tableIds()).toEqual(ids(expected));
    expect(await page.getByTestId('filter-type').inputValue()).toBe('user.login_failed');
  });

  it('narrows the table by actor', async () => {
    await page.getByTestId('filter-type').selectOption('');
    await page.getByTestId('filter-actor').fill('user:ada');
    await applyFilters();
    const expected = await allEvents({ actor: 'user:ada' });
    expect(expected.map((event) => event.type)).toContain('user.logged_in');
    expect(await tableIds()).toEqual(ids(expected));
    expect(new Set(await cellsOf('event-actor'))).toEqual(new Set(['user:ada']));
    await page.reload();
    expect(await tableIds()).toEqual(ids(expected));
  });

  it('pages through next_page_token kept in the URL, with a way back to the first page', async () => {
    await page.goto(`${origin}/audit?key_set=payments&size=2`);
    const first = await kw.rpc.listEvents({ keySet: 'payments', kid: '', pageSize: 2, pageToken: '' });
    expect(first.nextPageToken).not.toBe('');
    expect(await tableIds()).toEqual(ids(first.events));
    expect(await page.getByTestId('first-page').count()).toBe(0);

    await page.getByTestId('next-page').click();
    await page.waitForURL(/[?&]page=/);
    const second = await kw.rpc.listEvents({
      keySet: 'payments',
      kid: '',
      pageSize: 2,
      pageToken: first.nextPageToken,
    });
    expect(await tableIds()).toEqual(ids(second.events));
    await page.reload();
    expect(await tableIds()).toEqual(ids(second.events));

    await page.getByTestId('first-page').click();
    await page.waitForURL((url) => !url.searchParams.has('page'));
    expect(new URL(page.url()).searchParams.get('size')).toBe('2');
    expect(await tableIds()).toEqual(ids(first.events));
  });

  it('gives each event a permalink that finds it again, however many events come after', async () => {
    await page.goto(`${origin}/audit`);
    const target = (await allEvents({ type: 'user.login_failed' }))[0]!;
    await page.locator(`#event-${target.id}`).getByTestId('event-permalink').click();
    await page.waitForURL((url) => url.hash === `#event-${target.id}`);
    // An event made afterwards does not push it off the linked view.
    await kw.rpc.createUser({ username: 'late', password: PASSWORD, role: Role.ROLE_VIEWER });
    await page.reload();
    expect(await tableIds()).toEqual([target.id]);
  });

  it('says which filter is wrong next to the form, instead of failing', async () => {
    const cases: [string, RegExp, string][] = [
      ['kid=not%20a%20kid', /^kid: /, 'filter-kid'],
      ['actor=%20&type=key.nonsense', /^type: must be one of key_set\.created/, 'filter-type'],
      ['from=2026-02-01T00:00&to=2026-01-01T00:00', /^to: must be after from/, 'filter-to'],
      ['from=yesterday', /^from: must be a date and time/, 'filter-from'],
      ['size=5000', /^size: must be a whole number from 1 to 500/, 'filter-size'],
      ['key_set=payments&page=forged', /first page/, 'filter-key-set'],
    ];
    for (const [query, message, field] of cases) {
      const response = await page.goto(`${origin}/audit?${query}`);
      expect(response!.status(), query).toBe(200);
      expect(await page.getByTestId('filter-problem').textContent(), query).toMatch(message);
      if (!query.includes('page='))
        expect(await page.getByTestId(field).getAttribute('aria-invalid'), query).toBe('true');
      expect(await page.getByTestId('events').count()).toBe(0);
    }
    expect(cspViolations).toEqual([]);
  });

  it('tells an operator, who reads key sets rather than the service, to choose a key set', async () => {
    const operator = await newPage(browser);
    await signIn(operator, origin, 'sam', PASSWORD);
    await operator.goto(`${origin}/audit`);
    expect(await operator.getByTestId('filter-problem').textContent()).toMatch(/choose a key set/);
    await operator.goto(`${origin}/audit?key_set=payments`);
    expect(await operator.getByTestId('event').count()).toBe((await allEvents({ keySet: 'payments' })).length);
    // The export asks as the same person: the whole trail is refused, one key set is not.
    const session = (await operator.context().cookies()).find((c) => c.name === 'keyward_session')!;
    const cookie = `keyward_session=${session.value}`;
    const whole = await fetch(`${origin}/audit/export.csv`, { headers: { cookie } });
    expect(whole.status).toBe(403);
    expect(await whole.text()).toMatch(/choose a key set/);
    const one = await fetch(`${origin}/audit/export.csv?key_set=payments`, { headers: { cookie } });
    expect(one.status).toBe(200);
    await operator.context().close();
  });
});

describe('the CSV export', () => {
  const HEADER = ['id', 'time', 'type', 'outcome', 'actor', 'key_set', 'kid', 'reason', 'before_json', 'after_json'];
  /** What a cell reads as in the file: one a spreadsheet would run as a formula starts with '. */
  const inFile = (cell: string) => (/^[=+\-@\t\r＝＋－＠]/.test(cell) ? `'${cell}` : cell);
  const rowOf = (event: Event) =>
    [
      event.id,
      event.createdAt!.toISOString(),
      event.type,
      event.outcome,
      event.actor,
      event.keySet,
      event.kid,
      event.reason,
      event.beforeJson,
      event.afterJson,
    ].map(inFile);

  it("is the page's filters as a file: a header, then exactly ListEvents' events", async () => {
    await page.goto(`${origin}/audit?key_set=payments`);
    const href = await page.getByTestId('export-csv').getAttribute('href');
    expect(href).toBe('/audit/export.csv?key_set=payments');
    const response = await fetch(`${origin}${href}`, { headers: { cookie: await sessionCookie() } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="keyward-audit-[\w-]+\.csv"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const text = await response.text();
    const rows = parse(text) satisfies string[][];
    const expected = await allEvents({ keySet: 'payments' });
    expect(rows).toEqual([HEADER, ...expected.map(rowOf)]);
    // The rotation's reason would be a formula in a spreadsheet: in the file it is text.
    expect(rows.some((row) => row[7] === `'${FORMULA_REASON}`)).toBe(true);
    expect(text.split('\r\n').length).toBeGreaterThan(expected.length);
  });

  it('exports every event without filters, and the same filters as the page otherwise', async () => {
    const cookie = await sessionCookie();
    const everything = parse(
      await (await fetch(`${origin}/audit/export.csv`, { headers: { cookie } })).text(),
    ) satisfies string[][];
    expect(everything).toEqual([HEADER, ...(await allEvents()).map(rowOf)]);
    const byActor = parse(
      await (
        await fetch(`${origin}/audit/export.csv?actor=anonymous&type=user.login_failed`, { headers: { cookie } })
      ).text(),
    ) satisfies string[][];
    expect(byActor).toEqual([
      HEADER,
      ...(await allEvents({ actor: 'anonymous', type: 'user.login_failed' })).map(rowOf),
    ]);
  });

  it('is refused without a session, and with a session that is not one', async () => {
    for (const headers of [{}, { cookie: 'keyward_session=kw_not_a_session' }] as Record<string, string>[]) {
      const response = await fetch(`${origin}/audit/export.csv?key_set=payments`, { headers, redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toMatch(/\/sign-in\?next=%2Faudit/);
      expect(await response.text()).not.toContain('key_set,');
    }
  });

  it('answers bad filters with 400 and the reason, not a file', async () => {
    const response = await fetch(`${origin}/audit/export.csv?kid=not%20a%20kid`, {
      headers: { cookie: await sessionCookie() },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/^kid: /);
  });
});

describe('the JWK tools', () => {
  interface Recorded {
    readonly method: string;
    readonly url: string;
    readonly body: string;
    readonly headers: string;
  }
  const recorded: Recorded[] = [];
  /** Everything that must never appear in a request: private `d`s, PEM bodies, public `n`/`x`. */
  const material = new Set<string>();
  const record = (request: Request) =>
    recorded.push({
      method: request.method(),
      url: request.url(),
      body: request.postData() ?? '',
      headers: JSON.stringify(request.headers()),
    });

  /** A PEM's base64 body (one string) and each of its full lines. */
  function addPem(pem: string): void {
    const lines = pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
    material.add(lines.join(''));
    for (const line of lines) if (line.length >= 40) material.add(line);
  }

  function addJwk(jwk: JWK | JsonWebKey): void {
    const fields = jwk as Record<string, unknown>;
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'n', 'x', 'y']) {
      const value = fields[member];
      if (typeof value === 'string') material.add(value);
    }
  }

  const KEY_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y', 'd', 'p', 'q', 'dp', 'dq', 'qi'];
  const members = (jwk: JWK | JsonWebKey) =>
    Object.fromEntries(
      Object.entries(jwk)
        .filter(([name]) => KEY_MEMBERS.includes(name))
        .sort(),
    );

  const value = async (testId: string) => {
    const field = page.getByTestId(testId);
    return (await field.count()) === 0 ? '' : field.inputValue();
  };

  let tools: Page;

  beforeAll(() => {
    tools = page;
    tools.on('request', record);
  });

  it('says, before anything, that keys made here stay here', async () => {
    await tools.getByRole('link', { name: 'JWK tools' }).click();
    await tools.waitForURL(`${origin}/tools`);
    expect(await tools.getByTestId('tools-banner').textContent()).toContain(
      'Keys generated here never leave your browser.',
    );
  });

  it('fits a narrow window', async () => {
    expect(await narrowWidth(`${origin}/tools`)).toBeLessThanOrEqual(390);
  });

  it('offers no `none` and no RSA under 2048 bits, whatever is chosen', async () => {
    const options = await tools.getByTestId('generate-type').locator('option').all();
    const types = await Promise.all(options.map(async (option) => (await option.getAttribute('value')) ?? ''));
    expect(types).toEqual(['RSA-2048', 'RSA-3072', 'RSA-4096', 'P-256', 'P-384', 'P-521', 'Ed25519', 'X25519']);
    const algs = new Set<string>();
    for (const type of types) {
      await tools.getByTestId('generate-type').selectOption(type);
      for (const use of ['sig', 'enc']) {
        await tools.getByTestId(`generate-use-${use}`).check();
        const offered = await tools.getByTestId('generate-alg').locator('option').allTextContents();
        for (const alg of offered) algs.add(alg);
      }
    }
    expect([...algs].sort()).toEqual(['ECDH-ES', 'ES256', 'ES384', 'ES512', 'EdDSA', 'PS256', 'RS256', 'RSA-OAEP-256']);
    expect(await tools.content()).not.toMatch(/RSA[- ]1024|"none"/);
  });

  const generated: Record<string, { publicJwk: JWK; privateJwk: JWK }> = {};

  it.each([
    ['RSA-2048', 'sig', 'RS256'],
    ['RSA-3072', 'sig', 'PS256'],
    ['RSA-4096', 'enc', 'RSA-OAEP-256'],
    ['P-256', 'sig', 'ES256'],
    ['P-384', 'enc', 'ECDH-ES'],
    ['P-521', 'sig', 'ES512'],
    ['Ed25519', 'sig', 'EdDSA'],
    ['X25519', 'enc', 'ECDH-ES'],
  ])(
    'generates %s for %s (%s): the JWKs and PEMs are one key pair, as node:crypto reads it',
    async (type, use, alg) => {
      const previous = await value('generated-thumbprint');
      await tools.getByTestId('generate-type').selectOption(type);
      await tools.getByTestId(`generate-use-${use}`).check();
      await tools.getByTestId('generate-alg').selectOption(alg);
      await tools.getByTestId('generate').click();
      // The old result goes at the click; the new one appears once the browser has made the key.
      await expect
        .poll(async () => ((await value('generated-thumbprint')) || previous) !== previous, { timeout: 60_000 })
        .toBe(true);
      const thumbprint = await value('generated-thumbprint');
      const publicJwk = JSON.parse(await value('generated-public-jwk')) as JWK;
      const privateJwk = JSON.parse(await value('generated-private-jwk')) as JWK;
      const publicPem = await value('generated-public-pem');
      const privatePem = await value('generated-private-pem');
      expect(publicJwk).toMatchObject({ use, alg, kid: thumbprint });
      expect(publicJwk.d).toBeUndefined();
      expect(members(createPrivateKey(privatePem).export({ format: 'jwk' }))).toEqual(members(privateJwk));
      expect(members(createPublicKey(publicPem).export({ format: 'jwk' }))).toEqual(members(publicJwk));
      expect(thumbprint).toBe(await calculateJwkThumbprint(publicJwk, 'sha256'));
      if (type.startsWith('RSA-')) {
        expect(Buffer.from(publicJwk.n!, 'base64url').length * 8).toBe(Number(type.slice(4)));
      }
      addJwk(privateJwk);
      addPem(privatePem);
      addPem(publicPem);
      generated[type] = { publicJwk, privateJwk };
      if (type === 'P-256') {
        await saveScreenshot(tools, 'tools');
        expect(await pageWidth(tools)).toBeLessThanOrEqual(1280);
      }
    },
    90_000,
  );

  async function convert(input: string): Promise<void> {
    await tools.getByTestId('convert-input').fill(input);
    await tools.getByTestId('convert').click();
  }

  it('converts PEM to JWK as node:crypto does, private and public', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    addPem(pkcs8);
    addJwk(privateKey.export({ format: 'jwk' }));
    await convert(pkcs8);
    await expect.poll(() => value('converted-jwk')).not.toBe('');
    expect(members(JSON.parse(await value('converted-jwk')) as JWK)).toEqual(
      members(privateKey.export({ format: 'jwk' })),
    );
    expect(await value('converted-thumbprint')).toBe(
      await calculateJwkThumbprint(publicKey.export({ format: 'jwk' }) as JWK, 'sha256'),
    );

    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const spki = rsa.export({ type: 'spki', format: 'pem' }) as string;
    addPem(spki);
    await convert(spki);
    await expect.poll(async () => value('converted-jwk')).toContain('"e": "AQAB"');
    expect(members(JSON.parse(await value('converted-jwk')) as JWK)).toEqual(members(rsa.export({ format: 'jwk' })));
  });

  it('converts JWK to PEM and back to the same JWK', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const jwk = privateKey.export({ format: 'jwk' });
    addJwk(jwk);
    await convert(JSON.stringify(jwk));
    await expect.poll(() => value('converted-private-pem')).not.toBe('');
    const pkcs8 = await value('converted-private-pem');
    expect(pkcs8).toBe(privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(await value('converted-public-pem')).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
    addPem(pkcs8);

    await convert(pkcs8);
    await expect.poll(() => value('converted-jwk')).not.toBe('');
    expect(members(JSON.parse(await value('converted-jwk')) as JWK)).toEqual(members(jwk));
  });

  it("computes RFC 7638 thumbprints as jose's calculateJwkThumbprint does", async () => {
    for (const type of ['RSA-2048', 'P-521', 'X25519']) {
      const { privateJwk, publicJwk } = generated[type]!;
      await tools.getByTestId('thumbprint-input').fill(JSON.stringify(privateJwk));
      const previous = await value('thumbprint-output');
      await tools.getByTestId('thumbprint').click();
      const expected = await calculateJwkThumbprint(publicJwk, 'sha256');
      if (previous !== expected) await expect.poll(() => value('thumbprint-output')).toBe(expected);
    }
  });

  it("checks a JWK and a token header against the key set's live JWKS, sending only the key set's name", async () => {
    const { keySet } = await kw.rpc.getKeySet({ keySet: 'payments' });
    const activeKid = keySet!.activeKid;
    const jwks = JSON.parse((await kw.rpc.getJwks({ keySet: 'payments' })).jwksJson) as { keys: JWK[] };
    const published = jwks.keys.find((key) => key.kid === activeKid)!;

    const before = recorded.length;
    await tools.getByTestId('check-key-set').selectOption('payments');
    await tools.getByTestId('check-input').fill(JSON.stringify(published));
    await tools.getByTestId('check').click();
    await expect.poll(shownText(tools, 'check-kid-published')).toMatch(/^yes/);
    expect(await tools.getByTestId('check-kid').textContent()).toBe(activeKid);
    expect(await tools.getByTestId('check-thumbprint-matches').textContent()).toMatch(/^yes/);
    const during = recorded.slice(before);
    expect(during).toHaveLength(1);
    expect(during[0]).toMatchObject({ method: 'POST', url: `${origin}/tools` });
    expect(JSON.parse(during[0]!.body)).toEqual(['payments']);

    // A token: only its protected header is read.
    const { jws, kid } = await kw.rpc.sign({ keySet: 'payments', claimsJson: '{"sub":"someone"}' });
    material.add(jws.split('.')[2]!);
    await tools.getByTestId('check-input').fill(jws);
    await tools.getByTestId('check').click();
    await expect.poll(shownText(tools, 'check-result')).toContain("a token's protected header");
    expect(await tools.getByTestId('check-kid').textContent()).toBe(kid);
    expect(await tools.getByTestId('check-kid-published').textContent()).toMatch(/^yes/);
    expect(await tools.getByTestId('check-alg').textContent()).toContain('ES256 (as published)');

    // A key made in this browser is not the key set's: kid absent.
    await tools.getByTestId('check-input').fill(JSON.stringify(generated['P-256']!.privateJwk));
    await tools.getByTestId('check').click();
    await expect.poll(shownText(tools, 'check-kid-published')).toMatch(/^no/);

    // alg "none" is refused outright.
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    await tools.getByTestId('check-input').fill(`${b64({ alg: 'none', kid: activeKid })}.${b64({ sub: 'x' })}.`);
    await tools.getByTestId('check').click();
    await expect.poll(shownText(tools, 'check-error')).toMatch(/alg "none"/);

    const checks = recorded.slice(before).filter((request) => request.method === 'POST');
    expect(checks.map((request) => JSON.parse(request.body) as unknown)).toEqual([
      ['payments'],
      ['payments'],
      ['payments'],
      ['payments'],
    ]);
  });

  it('sent no key material in any request: no private d, no PEM body, no public n or x', () => {
    expect(material.size).toBeGreaterThan(40);
    expect(recorded.length).toBeGreaterThan(0);
    for (const request of recorded) {
      const sent = `${request.url}\n${request.body}\n${request.headers}`;
      for (const secret of material) expect(sent.includes(secret), `${request.method} ${request.url}`).toBe(false);
    }
    // Nothing but this origin was asked for anything.
    expect(recorded.every((request) => request.url.startsWith(origin))).toBe(true);
    expect(cspViolations).toEqual([]);
  });
});
