import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { populatedSource } from './test-support/fake-source.js';
import { startGateway, type RunningGateway } from './test-support/http-client.js';

let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(populatedSource());
});
afterAll(async () => {
  await gateway.close();
});

// Every method Node's parser accepts. CONNECT is excluded: the client treats its answer as a tunnel
// (the gateway's CONNECT answer has its own test). Unparseable methods never reach the gateway.
const methods = fc.constantFrom(...http.METHODS.filter((method) => method !== 'CONNECT'));

// Request-target characters the client will send: visible ASCII, with the path's own
// building blocks over-represented so generated paths often come close to real routes.
const pathPiece = fc.oneof(
  fc.constantFrom(
    '/',
    '/.well-known',
    '/jwks.json',
    '/openid-configuration',
    '/key-sets',
    '/key-sets/',
    'default',
    'payments',
    '%',
    '%2F',
    '%41',
    '%E0%A4',
    '?',
    '#',
    '..',
    '/healthz',
    '/readyz',
    '-',
    '_',
  ),
  fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 12 }),
);
const paths = fc.array(pathPiece, { maxLength: 8 }).map((pieces) => `/${pieces.join('')}`);

const headerSets = fc.option(
  fc.record({
    'If-None-Match': fc.oneof(
      fc.constant('*'),
      fc.string({ unit: fc.constantFrom('"', 'W', '/', ',', ' ', 'a'), maxLength: 10 }),
    ),
  }),
  { nil: undefined },
);

describe('any request', () => {
  it('gets 200/204/304/404/405 with a JSON or empty body, and the server keeps answering', async () => {
    await fc.assert(
      fc.asyncProperty(methods, paths, headerSets, async (method, path, headers) => {
        const answer = await gateway.request(method, path, headers ?? {});
        expect([200, 204, 304, 404, 405]).toContain(answer.status);
        if (answer.body.length > 0) {
          expect(answer.headers['content-type']).toMatch(/^application\/(jwk-set\+)?json$/);
          expect(() => JSON.parse(answer.body.toString('utf8')) as unknown).not.toThrow();
        }
        if (answer.status === 405) expect(answer.headers.allow).toBeDefined();
      }),
      { numRuns: 300 },
    );
    const health = await gateway.request('GET', '/healthz');
    expect(health.status).toBe(200);
  });
});
