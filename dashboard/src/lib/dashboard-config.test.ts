import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../../../test/support/tls-certificates';
import { DashboardConfigError, loadDashboardConfig } from './dashboard-config';

let dir: string;
let pki: TestPki;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-dashboard-config-'));
  pki = await makeTestPki(dir);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function refusal(env: Record<string, string>): string {
  try {
    loadDashboardConfig(env);
  } catch (error) {
    if (error instanceof DashboardConfigError) return error.message;
    throw error;
  }
  throw new Error('accepted');
}

describe('the dashboard configuration', () => {
  it('defaults to plaintext gRPC on 127.0.0.1 at the service port, and a cookie Secure over https', () => {
    expect(loadDashboardConfig({})).toEqual({
      server: '127.0.0.1:50051',
      tls: undefined,
      gatewayOrigin: undefined,
      secureCookie: 'auto',
    });
    expect(loadDashboardConfig({ KEYWARD_GATEWAY_URL: 'http://127.0.0.1:8080/' }).gatewayOrigin).toBe(
      'http://127.0.0.1:8080',
    );
    expect(loadDashboardConfig({ KEYWARD_GRPC_PORT: '6001' }).server).toBe('127.0.0.1:6001');
    expect(loadDashboardConfig({ KEYWARD_SERVER: 'kms.internal:443', KEYWARD_GRPC_PORT: '6001' }).server).toBe(
      'kms.internal:443',
    );
    expect(loadDashboardConfig({ KEYWARD_DASHBOARD_SECURE_COOKIE: 'always' }).secureCookie).toBe('always');
  });

  it('reads the CA and the client pair once, as given', () => {
    const config = loadDashboardConfig({
      KEYWARD_CA: pki.paths.ca,
      KEYWARD_CLIENT_CERT: pki.paths.clientCert,
      KEYWARD_CLIENT_KEY: pki.paths.clientKey,
    });
    expect(config.tls).toEqual({ ca: pki.caPem, cert: pki.clientCert, key: pki.clientKey });
    expect(loadDashboardConfig({ KEYWARD_CA: pki.paths.ca }).tls).toEqual({ ca: pki.caPem, cert: null, key: null });
  });

  it('names the variable that is wrong, and never a file content', () => {
    expect(refusal({ KEYWARD_SERVER: 'https://kms.internal:443' })).toBe(
      'KEYWARD_SERVER must be host:port without a scheme, e.g. 127.0.0.1:50051',
    );
    expect(refusal({ KEYWARD_SERVER: 'kms:70000' })).toMatch(/^KEYWARD_SERVER /);
    expect(refusal({ KEYWARD_GRPC_PORT: '0' })).toBe('KEYWARD_GRPC_PORT must be a port number, 1 to 65535');
    expect(refusal({ KEYWARD_DASHBOARD_SECURE_COOKIE: 'yes' })).toBe(
      'KEYWARD_DASHBOARD_SECURE_COOKIE must be auto, always or never',
    );
    expect(refusal({ KEYWARD_GATEWAY_URL: 'http://gw/jwks' })).toBe(
      'KEYWARD_GATEWAY_URL must be an origin only (no path, query or fragment), not "http://gw/jwks"',
    );
    expect(refusal({ KEYWARD_CA: join(dir, 'missing.pem') })).toBe(
      `KEYWARD_CA: cannot read ${join(dir, 'missing.pem')}: no such file`,
    );
    expect(refusal({ KEYWARD_CA: pki.paths.clientKey })).toBe(
      `KEYWARD_CA: ${pki.paths.clientKey} does not hold what it should in PEM`,
    );
    expect(refusal({ KEYWARD_CA: pki.paths.ca, KEYWARD_CLIENT_CERT: pki.paths.clientCert })).toMatch(/set both/);
    expect(refusal({ KEYWARD_CLIENT_CERT: pki.paths.clientCert, KEYWARD_CLIENT_KEY: pki.paths.clientKey })).toMatch(
      /needs TLS: set KEYWARD_CA/,
    );
    const mismatch = refusal({
      KEYWARD_CA: pki.paths.ca,
      KEYWARD_CLIENT_CERT: pki.paths.clientCert,
      KEYWARD_CLIENT_KEY: pki.paths.otherClientKey,
    });
    expect(mismatch).toBe('KEYWARD_CLIENT_KEY is not the key of the certificate in KEYWARD_CLIENT_CERT');
    expect(mismatch).not.toContain('PRIVATE KEY');
  });

  it('accepts or refuses any environment with a DashboardConfigError, nothing else', () => {
    const variable = fc.constantFrom(
      'KEYWARD_SERVER',
      'KEYWARD_GRPC_PORT',
      'KEYWARD_DASHBOARD_SECURE_COOKIE',
      'KEYWARD_CA',
      'KEYWARD_CLIENT_CERT',
      'KEYWARD_CLIENT_KEY',
      'KEYWARD_GATEWAY_URL',
    );
    fc.assert(
      fc.property(fc.dictionary(variable, fc.string()), (env) => {
        const files = new Map<string, Buffer>();
        try {
          const config = loadDashboardConfig(env, (path) => {
            const bytes = files.get(path);
            if (bytes === undefined) throw Object.assign(new Error('absent'), { code: 'ENOENT' });
            return bytes;
          });
          expect(config.server).toMatch(/:\d+$/);
        } catch (error) {
          expect(error).toBeInstanceOf(DashboardConfigError);
        }
      }),
    );
  });
});
