import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KeywardError } from '../errors.js';
import { createGateway } from './server.js';
import { FakeSource, populatedSource } from './test-support/fake-source.js';
import { startGateway, type HttpAnswer, type RunningGateway } from './test-support/http-client.js';

const source = populatedSource();
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(source);
});
afterAll(async () => {
  await gateway.close();
});

function expectJsonError(answer: HttpAnswer, status: number, body: unknown): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toBe('application/json');
  expect(answer.headers['cache-control']).toBe('no-store');
  expect(answer.headers['x-content-type-options']).toBe('nosniff');
  expect(answer.headers['content-length']).toBe(String(answer.body.length));
  expect(JSON.parse(answer.body.toString('utf8'))).toEqual(body);
}

describe('404', () => {
  it('for an unknown key set names it in the description', async () => {
    for (const document of ['jwks.json', 'openid-configuration']) {
      const answer = await gateway.request('GET', `/key-sets/x/.well-known/${document}`);
      expectJsonError(answer, 404, { error: 'not_found', error_description: 'key set "x" does not exist' });
      expect(answer.body.toString('utf8')).toBe(
        '{"error":"not_found","error_description":"key set \\"x\\" does not exist"}',
      );
    }
  });

  it('for HEAD on an unknown key set has no body', async () => {
    const answer = await gateway.request('HEAD', '/key-sets/x/.well-known/jwks.json');
    expect(answer.status).toBe(404);
    expect(answer.body.length).toBe(0);
  });

  it.each([
    '/',
    '/jwks.json',
    '/.well-known/jwks.json/',
    '/.well-known/JWKS.json',
    '/.well-known/openid-configuration/extra',
    '/key-sets/payments',
    '/key-sets/payments/',
    '/key-sets/payments/.well-known/jwks.jsonx',
    '/key-sets//payments/.well-known/jwks.json',
    '/key-sets/payments/x/.well-known/jwks.json',
    '/healthz/',
    '/readyz/x',
    '//.well-known/jwks.json',
  ])('for unknown path %s', async (path) => {
    expectJsonError(await gateway.request('GET', path), 404, {
      error: 'not_found',
      error_description: 'no such resource',
    });
  });

  it.each([
    '/key-sets//.well-known/jwks.json',
    '/key-sets/Payments/.well-known/jwks.json',
    '/key-sets/_payments/.well-known/jwks.json',
    '/key-sets/-x/.well-known/jwks.json',
    `/key-sets/${'a'.repeat(65)}/.well-known/jwks.json`,
    '/key-sets/pay%2Fments/.well-known/jwks.json',
    '/key-sets/%E0%A4%A/.well-known/jwks.json',
    '/key-sets/%3Cscript%3E/.well-known/openid-configuration',
    '/key-sets/a%22b/.well-known/jwks.json',
  ])('for invalid key-set name in %s, without echoing it', async (path) => {
    const answer = await gateway.request('GET', path);
    expectJsonError(answer, 404, { error: 'not_found', error_description: 'not a valid key set name' });
  });

  it('accepts the longest valid name (64 characters) as a lookup', async () => {
    const name = `a${'-_0'.repeat(21)}`;
    expect(name).toHaveLength(64);
    const answer = await gateway.request('GET', `/key-sets/${name}/.well-known/jwks.json`);
    expectJsonError(answer, 404, { error: 'not_found', error_description: `key set "${name}" does not exist` });
  });
});

describe('405', () => {
  it.each([
    ['POST', '/.well-known/jwks.json'],
    ['PUT', '/key-sets/payments/.well-known/jwks.json'],
    ['DELETE', '/.well-known/openid-configuration'],
    ['PATCH', '/key-sets/unknown/.well-known/openid-configuration'],
    ['TRACE', '/.well-known/jwks.json'],
  ])('%s %s -> Allow: GET, HEAD, OPTIONS', async (method, path) => {
    const answer = await gateway.request(method, path);
    expect(answer.headers.allow).toBe('GET, HEAD, OPTIONS');
    expectJsonError(answer, 405, {
      error: 'method_not_allowed',
      error_description: 'allowed methods: GET, HEAD, OPTIONS',
    });
  });

  it.each([
    ['POST', '/healthz'],
    ['OPTIONS', '/readyz'],
  ])('%s %s -> Allow: GET, HEAD', async (method, path) => {
    const answer = await gateway.request(method, path);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expectJsonError(answer, 405, { error: 'method_not_allowed', error_description: 'allowed methods: GET, HEAD' });
  });

  it('CONNECT is refused with a 405 on the raw socket', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(gateway.port, '127.0.0.1', () => {
        socket.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw.startsWith('HTTP/1.1 405 Method Not Allowed\r\n')).toBe(true);
    expect(raw).toContain('\r\nAllow: GET, HEAD, OPTIONS\r\n');
    expect(raw).toContain('\r\nConnection: close\r\n');
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
      error: 'method_not_allowed',
      error_description: 'allowed methods: GET, HEAD, OPTIONS',
    });
  });
});

describe('OPTIONS preflight', () => {
  it.each([
    '/.well-known/jwks.json',
    '/.well-known/openid-configuration',
    '/key-sets/payments/.well-known/jwks.json',
    '/key-sets/payments/.well-known/openid-configuration?x=1',
  ])('%s -> 204 with exactly the CORS preflight headers', async (path) => {
    const answer = await gateway.request('OPTIONS', path, {
      Origin: 'https://app.example',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'if-none-match',
    });
    expect(answer.status).toBe(204);
    expect(answer.body.length).toBe(0);
    expect(answer.headers).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': 'GET, HEAD, OPTIONS',
      'access-control-allow-headers': 'If-None-Match',
      'access-control-max-age': '86400',
      date: expect.any(String) as unknown,
      connection: 'keep-alive',
      'keep-alive': expect.stringMatching(/^timeout=\d+$/) as unknown,
    });
  });

  it('on an unknown path is a 404', async () => {
    expect((await gateway.request('OPTIONS', '/nope')).status).toBe(404);
  });
});

describe('500', () => {
  it.each([
    ['a plain Error', new Error('database exploded at /secret/path')],
    ['a KeywardError', new KeywardError('UNAVAILABLE', 'keyring not loaded')],
  ])('a source throwing %s -> 500 JSON without a stack, reported to onError', async (_name, failure) => {
    const failing = populatedSource();
    failing.failure = failure;
    const onError = vi.fn();
    const broken = await startGateway(failing, { jwksMaxAgeSeconds: 300, onError });
    try {
      for (const path of ['/.well-known/jwks.json', '/key-sets/payments/.well-known/openid-configuration']) {
        const answer = await broken.request('GET', path);
        expectJsonError(answer, 500, { error: 'internal_error' });
        expect(answer.body.toString('utf8')).toBe('{"error":"internal_error"}');
        expect(answer.headers.etag).toBeUndefined();
      }
      expect(onError).toHaveBeenCalledTimes(2);
      expect(onError).toHaveBeenCalledWith(failure);
      // The server keeps serving.
      expect((await broken.request('GET', '/healthz')).status).toBe(200);
    } finally {
      await broken.close();
    }
  });

  it('a readiness check that rejects -> 500, reported to onError', async () => {
    const failing = new FakeSource();
    const failure = new Error('pool closed');
    failing.readinessAnswer = () => Promise.reject(failure);
    const onError = vi.fn();
    const broken = await startGateway(failing, { jwksMaxAgeSeconds: 300, onError });
    try {
      expectJsonError(await broken.request('GET', '/readyz'), 500, { error: 'internal_error' });
      expect(onError).toHaveBeenCalledWith(failure);
    } finally {
      await broken.close();
    }
  });

  it('a document with an ETag Node refuses to send -> a clean 500, not a half-written 200', async () => {
    const odd = new FakeSource();
    odd.jwksDocuments.set('default', { body: Buffer.from('{"keys":[]}'), etag: '"a"\r\nX-Injected: 1' });
    const onError = vi.fn();
    const broken = await startGateway(odd, { jwksMaxAgeSeconds: 300, onError });
    try {
      const answer = await broken.request('GET', '/.well-known/jwks.json');
      expectJsonError(answer, 500, { error: 'internal_error' });
      expect(answer.headers['x-injected']).toBeUndefined();
      expect(onError).toHaveBeenCalledTimes(1);
    } finally {
      await broken.close();
    }
  });

  it('an onError that throws does not stop the 500', async () => {
    const failing = populatedSource();
    failing.failure = new Error('boom');
    const broken = await startGateway(failing, {
      jwksMaxAgeSeconds: 300,
      onError: () => {
        throw new Error('reporter down');
      },
    });
    try {
      expectJsonError(await broken.request('GET', '/.well-known/jwks.json'), 500, { error: 'internal_error' });
    } finally {
      await broken.close();
    }
  });
});

describe('createGateway options', () => {
  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects jwksMaxAgeSeconds %s', (value) => {
    expect(() => createGateway(new FakeSource(), { jwksMaxAgeSeconds: value })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
