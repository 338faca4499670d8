// @vitest-environment node
// The service over TLS as an operator configures it (KEYWARD_*_TLS_* through loadConfig): mutual
// TLS refuses a client without a certificate or with one from another CA; the gateway sends HSTS.
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { KeyServiceClient, type WhoAmIResponse } from '@keyward/proto/keyward/v1';
import type { JSONWebKeySet } from 'jose';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readTlsConfig } from '../server/src/transport/tls-config.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startTestKeyward, TEST_ADMIN_TOKEN, type TestKeyward } from './support/keyward.js';
import { makeTestPki, type TestPki } from './support/tls-certificates.js';

let dir: string;
let pki: TestPki;
let database: TestDatabase;
let kw: TestKeyward;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-tls-'));
  pki = await makeTestPki(dir);
  const { config, problems } = readTlsConfig(
    {
      KEYWARD_GRPC_TLS_CERT: pki.paths.serverCert,
      KEYWARD_GRPC_TLS_KEY: pki.paths.serverKey,
      KEYWARD_GRPC_TLS_CLIENT_CA: pki.paths.ca,
      KEYWARD_HTTP_TLS_CERT: pki.paths.serverCert,
      KEYWARD_HTTP_TLS_KEY: pki.paths.serverKey,
      KEYWARD_HSTS_MAX_AGE: '600',
    },
    '127.0.0.1',
  );
  expect(problems).toEqual([]);
  database = await createTestDatabase();
  kw = await startTestKeyward({ databaseUrl: database.url, tls: config });
});

afterAll(async () => {
  await kw?.stop();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

function whoAmI(client: KeyServiceClient): Promise<WhoAmIResponse> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${TEST_ADMIN_TOKEN}`);
  return new Promise((resolve, reject) => {
    client.whoAmI({}, metadata, { deadline: Date.now() + 5_000 }, (error, response) => {
      client.close();
      if (error === null) resolve(response);
      else reject(error);
    });
  });
}

const client = (creds: ReturnType<typeof credentials.createSsl>) =>
  new KeyServiceClient(kw.grpcAddress, creds, { 'grpc.ssl_target_name_override': 'localhost' });

it('serves a client that presents a certificate from the configured CA', async () => {
  const answer = await whoAmI(client(credentials.createSsl(pki.caPem, pki.clientKey, pki.clientCert)));
  expect(answer.principal).toBe('token:KEYWARD_ADMIN_TOKEN');
});

it.each([
  ['no client certificate', () => credentials.createSsl(pki.caPem)],
  ['a certificate from another CA', () => credentials.createSsl(pki.caPem, pki.otherClientKey, pki.otherClientCert)],
  ['no TLS at all', () => credentials.createInsecure()],
])('refuses a client with %s', async (_label, creds) => {
  const error = await whoAmI(client(creds())).then(
    () => undefined,
    (e: ServiceError) => e,
  );
  expect(error?.code).toBe(status.UNAVAILABLE);
});

it('serves the JWKS over HTTPS with HSTS', async () => {
  const response = await new Promise<{ status: number; hsts: string | undefined; body: string }>((resolve, reject) => {
    const req = request(
      `${kw.httpUrl.replace('http:', 'https:')}/.well-known/jwks.json`,
      { ca: pki.caPem, servername: 'localhost' },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, hsts: res.headers['strict-transport-security'], body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
  expect(response.status).toBe(200);
  expect(response.hsts).toBe('max-age=600');
  expect((JSON.parse(response.body) as JSONWebKeySet).keys).toHaveLength(1);
});
