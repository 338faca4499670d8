// @vitest-environment node
// Real sockets: a grpc-js server bound with grpcServerCredentials, called by real grpc-js clients.

import { Client, Server, credentials, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HealthImplementation, service as healthService } from 'grpc-health-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../../../test/support/tls-certificates.js';
import { grpcServerCredentials } from './grpc-credentials.js';
import { readTlsConfig, type GrpcTls } from './tls-config.js';

const CHECK = healthService['Check']!;

let dir: string;
let pki: TestPki;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyward-grpc-tls-'));
  pki = await makeTestPki(dir);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const servers: Server[] = [];
const clients: Client[] = [];

afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const server of servers.splice(0)) server.forceShutdown();
});

/** Goes through readTlsConfig, as the service does, so the files are read and checked the same way. */
function grpcTls(mutual: boolean): GrpcTls {
  const { config, problems } = readTlsConfig(
    {
      KEYWARD_GRPC_TLS_CERT: pki.paths.serverCert,
      KEYWARD_GRPC_TLS_KEY: pki.paths.serverKey,
      KEYWARD_GRPC_TLS_CLIENT_CA: mutual ? pki.paths.ca : undefined,
    },
    '127.0.0.1',
  );
  expect(problems).toEqual([]);
  return config.grpc!;
}

async function startHealthServer(tls: GrpcTls | undefined): Promise<number> {
  const server = new Server();
  new HealthImplementation({ '': 'SERVING' }).addToServer(server);
  servers.push(server);
  return new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpcServerCredentials(tls), (error, port) =>
      error === null ? resolve(port) : reject(error),
    );
  });
}

/** One grpc.health.v1.Health/Check call; resolves with the status name or the error code. */
function check(port: number, creds: ChannelCredentials, host = '127.0.0.1'): Promise<string | ServiceError> {
  const client = new Client(`${host}:${port}`, creds);
  clients.push(client);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      CHECK.path,
      CHECK.requestSerialize,
      CHECK.responseDeserialize,
      { service: '' },
      { deadline: Date.now() + 10_000 },
      (error, response) => {
        if (error) resolve(error);
        else resolve((response as { status: string }).status);
      },
    );
  });
}

function expectRefused(answer: string | ServiceError): void {
  expect(typeof answer, `expected the call to fail, it answered ${String(answer)}`).toBe('object');
  expect((answer as ServiceError).code).toBe(status.UNAVAILABLE);
}

describe('grpcServerCredentials without TLS', () => {
  it('serves plaintext', async () => {
    const port = await startHealthServer(undefined);
    expect(await check(port, credentials.createInsecure())).toBe('SERVING');
  });
});

describe('grpcServerCredentials with TLS', () => {
  it('answers a client that trusts the CA, by IP address and by name', async () => {
    const port = await startHealthServer(grpcTls(false));
    expect(await check(port, credentials.createSsl(pki.caPem))).toBe('SERVING');
    expect(await check(port, credentials.createSsl(pki.caPem), 'localhost')).toBe('SERVING');
  });

  it('needs no client certificate when no client CA is configured', async () => {
    const port = await startHealthServer(grpcTls(false));
    const withCert = credentials.createSsl(pki.caPem, pki.clientKey, pki.clientCert);
    expect(await check(port, withCert)).toBe('SERVING');
  });

  it('refuses a plaintext client with UNAVAILABLE', async () => {
    const port = await startHealthServer(grpcTls(false));
    expectRefused(await check(port, credentials.createInsecure()));
    // The server is unharmed by it.
    expect(await check(port, credentials.createSsl(pki.caPem))).toBe('SERVING');
  });

  it('is refused by a client that does not trust its CA', async () => {
    const port = await startHealthServer(grpcTls(false));
    expectRefused(await check(port, credentials.createSsl(pki.otherCaPem)));
  });
});

describe('grpcServerCredentials with mutual TLS', () => {
  it('answers a client whose certificate comes from the client CA', async () => {
    const port = await startHealthServer(grpcTls(true));
    const creds = credentials.createSsl(pki.caPem, pki.clientKey, pki.clientCert);
    expect(await check(port, creds)).toBe('SERVING');
  });

  it('refuses a client without a certificate', async () => {
    const port = await startHealthServer(grpcTls(true));
    expectRefused(await check(port, credentials.createSsl(pki.caPem)));
  });

  it('refuses a client whose certificate comes from another CA', async () => {
    const port = await startHealthServer(grpcTls(true));
    const creds = credentials.createSsl(pki.caPem, pki.otherClientKey, pki.otherClientCert);
    expectRefused(await check(port, creds));
  });

  it('refuses a client presenting the server certificate (issued by the right CA, but for serverAuth only)', async () => {
    const port = await startHealthServer(grpcTls(true));
    const creds = credentials.createSsl(pki.caPem, pki.serverKey, pki.serverCert);
    expectRefused(await check(port, creds));
  });

  it('keeps serving good clients after refusing bad ones', async () => {
    const port = await startHealthServer(grpcTls(true));
    expectRefused(await check(port, credentials.createInsecure()));
    expectRefused(await check(port, credentials.createSsl(pki.caPem)));
    const creds = credentials.createSsl(pki.caPem, pki.clientKey, pki.clientCert);
    expect(await check(port, creds)).toBe('SERVING');
  });
});
