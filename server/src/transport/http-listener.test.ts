// @vitest-environment node
// Real sockets: the gateway listener over HTTPS (HSTS on every response) and over plain HTTP.

import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../../../test/support/tls-certificates.js';
import { createRequestHandler } from '../gateway/request-handler.js';
import { closeGateway } from '../gateway/server.js';
import { populatedSource } from '../gateway/test-support/fake-source.js';
import { createHttpListener } from './http-listener.js';
import { readTlsConfig, type HttpTls } from './tls-config.js';

let dir: string;
let pki: TestPki;
let tls: HttpTls;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyward-https-'));
  pki = await makeTestPki(dir);
  const read = readTlsConfig(
    { KEYWARD_HTTP_TLS_CERT: pki.paths.serverCert, KEYWARD_HTTP_TLS_KEY: pki.paths.serverKey },
    '127.0.0.1',
  );
  expect(read.problems).toEqual([]);
  tls = read.config.http!;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => closeGateway(server));
  return (server.address() as AddressInfo).port;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  reusedSocket: boolean;
}

function get(module: typeof http | typeof https, options: https.RequestOptions & { port: number }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = module.request({ host: '127.0.0.1', method: 'GET', path: '/', ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          reusedSocket: req.reusedSocket,
        }),
      );
      res.on('error', reject);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Answers with Node's fast path (writeHead with a flat header array), like the gateway does. */
const ok: http.RequestListener = (_req, res) => {
  res.writeHead(200, ['Content-Type', 'text/plain', 'Content-Length', '2']);
  res.end('ok');
};

describe('createHttpListener over HTTPS', () => {
  it('answers a client that trusts the CA, with Strict-Transport-Security: max-age=N', async () => {
    const server = createHttpListener(ok, tls, 600);
    expect(server).toBeInstanceOf(https.Server);
    const port = await listen(server);
    const answer = await get(https, { port, ca: pki.caPem });
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('ok');
    expect(answer.headers['strict-transport-security']).toBe('max-age=600');
    expect(answer.headers['content-type']).toBe('text/plain');
  });

  it('adds the header to responses with implicit headers, and to every status', async () => {
    const server = createHttpListener(
      (req, res) => {
        res.statusCode = req.url === '/missing' ? 404 : 204;
        res.end();
      },
      tls,
      0,
    );
    const port = await listen(server);
    for (const path of ['/', '/missing']) {
      const answer = await get(https, { port, path, ca: pki.caPem });
      expect(answer.status).toBe(path === '/' ? 204 : 404);
      expect(answer.headers['strict-transport-security']).toBe('max-age=0');
    }
  });

  it('keeps a Strict-Transport-Security header the handler set itself', async () => {
    const server = createHttpListener(
      (_req, res) => {
        res.setHeader('Strict-Transport-Security', 'max-age=10; includeSubDomains');
        res.end();
      },
      tls,
      600,
    );
    const port = await listen(server);
    const answer = await get(https, { port, ca: pki.caPem });
    expect(answer.headers['strict-transport-security']).toBe('max-age=10; includeSubDomains');
  });

  it('serves the real gateway handler, including its 500 path (which clears headers first)', async () => {
    const source = populatedSource();
    source.readinessAnswer = () => Promise.reject(new Error('boom'));
    const errors: unknown[] = [];
    const handler = createRequestHandler(
      source,
      { jwksMaxAgeSeconds: 300, onError: (error) => errors.push(error) },
      { closing: false },
    );
    const port = await listen(createHttpListener(handler, tls, 31_536_000));
    const jwks = await get(https, { port, path: '/.well-known/jwks.json', ca: pki.caPem });
    expect(jwks.status).toBe(200);
    expect(JSON.parse(jwks.body)).toHaveProperty('keys');
    expect(jwks.headers['strict-transport-security']).toBe('max-age=31536000');
    const failed = await get(https, { port, path: '/readyz', ca: pki.caPem });
    expect(failed.status).toBe(500);
    expect(failed.headers['strict-transport-security']).toBe('max-age=31536000');
    expect(errors).toHaveLength(1);
  });

  it('keeps connections alive like http.createServer, and closeGateway closes them at once', async () => {
    const server = createHttpListener(ok, tls, 600);
    const plain = http.createServer();
    expect(server.keepAliveTimeout).toBe(plain.keepAliveTimeout);
    expect(server.headersTimeout).toBe(plain.headersTimeout);
    expect(server.requestTimeout).toBe(plain.requestTimeout);
    server.keepAliveTimeout = 60_000;
    const port = await listen(server);
    const agent = new https.Agent({ keepAlive: true, ca: pki.caPem });
    cleanups.push(() => agent.destroy());
    const first = await get(https, { port, agent });
    const second = await get(https, { port, agent });
    expect(first.headers.connection).toBe('keep-alive');
    expect(second.reusedSocket).toBe(true);
    const started = Date.now();
    await closeGateway(server);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server.listening).toBe(false);
  });

  it('fails a plain HTTP request to its port, and keeps serving HTTPS', async () => {
    const port = await listen(createHttpListener(ok, tls, 600));
    await expect(get(http, { port })).rejects.toThrow();
    expect((await get(https, { port, ca: pki.caPem })).status).toBe(200);
  });

  it('is refused by a client that does not trust its CA', async () => {
    const port = await listen(createHttpListener(ok, tls, 600));
    await expect(get(https, { port, ca: pki.otherCaPem })).rejects.toThrow(/self-signed|unable to (get|verify)/i);
  });

  it('rejects a negative or fractional max-age', () => {
    expect(() => createHttpListener(ok, tls, -1)).toThrow(RangeError);
    expect(() => createHttpListener(ok, tls, 1.5)).toThrow(RangeError);
  });
});

describe('createHttpListener over plain HTTP', () => {
  it('is an http.Server and sends no Strict-Transport-Security', async () => {
    const server = createHttpListener(ok, undefined, 600);
    expect(server).not.toBeInstanceOf(https.Server);
    const port = await listen(server);
    const answer = await get(http, { port });
    expect(answer.status).toBe(200);
    expect(answer.headers['strict-transport-security']).toBeUndefined();
  });
});
