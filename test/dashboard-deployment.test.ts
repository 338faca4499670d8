// @vitest-environment node
// How the dashboard is deployed: against a remote Keyward over mutual TLS (the CLI's variables), a
// session cookie marked Secure by setting (a TLS-terminating proxy in front), and a configuration
// mistake stopping `next start` at boot with a message that names the variable.
import { credentials } from '@grpc/grpc-js';
import { KeyServiceClient, Role } from '@keyward/proto/keyward/v1';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTlsConfig } from '../server/src/transport/tls-config.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { cspViolationsOf, launchChromium, newPage, signIn, startDashboard } from './support/dashboard.js';
import { promisedRpcs, startTestKeyward, TEST_ADMIN_TOKEN, type TestKeyward } from './support/keyward.js';
import { makeTestPki, type TestPki } from './support/tls-certificates.js';

const PASSWORD = 'a password of decent length';

let dir: string;
let pki: TestPki;
let database: TestDatabase;
let kw: TestKeyward;
let browser: Browser;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-dashboard-tls-'));
  pki = await makeTestPki(dir);
  const { config, problems } = readTlsConfig(
    {
      KEYWARD_GRPC_TLS_CERT: pki.paths.serverCert,
      KEYWARD_GRPC_TLS_KEY: pki.paths.serverKey,
      KEYWARD_GRPC_TLS_CLIENT_CA: pki.paths.ca,
    },
    '127.0.0.1',
  );
  expect(problems).toEqual([]);
  database = await createTestDatabase();
  kw = await startTestKeyward({ databaseUrl: database.url, tls: config });
  const client = new KeyServiceClient(kw.grpcAddress, credentials.createSsl(pki.caPem, pki.clientKey, pki.clientCert));
  await promisedRpcs(client, TEST_ADMIN_TOKEN).createUser({
    username: 'tess',
    password: PASSWORD,
    role: Role.ROLE_VIEWER,
  });
  client.close();
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await kw?.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the dashboard against a remote Keyward over mutual TLS', () => {
  it('signs in and shows the key sets, with the session cookie Secure because the setting says so', async () => {
    const dashboard = await startDashboard(kw.grpcAddress, {
      KEYWARD_CA: pki.paths.ca,
      KEYWARD_CLIENT_CERT: pki.paths.clientCert,
      KEYWARD_CLIENT_KEY: pki.paths.clientKey,
      KEYWARD_DASHBOARD_SECURE_COOKIE: 'always',
    });
    try {
      const page = await newPage(browser);
      const violations = cspViolationsOf(page);
      await signIn(page, dashboard.origin, 'tess', PASSWORD);
      await expect.poll(() => page.getByTestId('staff').textContent()).toBe('Signed in as tess (viewer)');
      expect(await page.getByTestId('key-set-default').count()).toBe(1);
      const cookie = (await page.context().cookies()).find((c) => c.name === 'keyward_session');
      expect(cookie).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      expect(violations).toEqual([]);
      await page.context().close();
    } finally {
      await dashboard.stop();
    }
  });

  it('says Keyward cannot be reached when its certificate is not from the CA the dashboard trusts', async () => {
    const dashboard = await startDashboard(kw.grpcAddress, { KEYWARD_CA: pki.paths.otherCa });
    try {
      const page = await newPage(browser);
      await page.goto(`${dashboard.origin}/sign-in`);
      await page.getByTestId('username').fill('tess');
      await page.getByTestId('password').fill(PASSWORD);
      await page.getByTestId('sign-in').click();
      await expect
        .poll(() => page.getByTestId('sign-in-error').textContent())
        .toBe(`Keyward does not answer at ${kw.grpcAddress}.`);
      await page.context().close();
    } finally {
      await dashboard.stop();
    }
  });

  it('refuses to start with a configuration mistake, naming the variable and not the file', async () => {
    const missing = join(dir, 'no-such-ca.pem');
    await expect(startDashboard(kw.grpcAddress, { KEYWARD_CA: missing })).rejects.toThrow(
      `keyward dashboard: KEYWARD_CA: cannot read ${missing}: no such file`,
    );
    const failure = startDashboard(kw.grpcAddress, {
      KEYWARD_CA: pki.paths.ca,
      KEYWARD_CLIENT_CERT: pki.paths.clientCert,
      KEYWARD_CLIENT_KEY: pki.paths.otherClientKey,
    });
    await expect(failure).rejects.toThrow(
      /next start exited \(2\).*KEYWARD_CLIENT_KEY is not the key of the certificate/s,
    );
    await expect(failure).rejects.not.toThrow(/PRIVATE KEY/);
  });
});
