import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedDocument } from './source.js';
import { populatedSource, prepareDocument, realJwks } from './test-support/fake-source.js';
import { startGateway, type RunningGateway } from './test-support/http-client.js';

const CACHE_CONTROL_300 = 'public, max-age=300, stale-while-revalidate=60, stale-if-error=86400';

const source = populatedSource();
let gateway: RunningGateway;

beforeAll(async () => {
  gateway = await startGateway(source, { jwksMaxAgeSeconds: 300 });
});
afterAll(async () => {
  await gateway.close();
});

function documentOf(kind: 'jwks' | 'discovery', keySet: string): PreparedDocument {
  const map = kind === 'jwks' ? source.jwksDocuments : source.discoveryDocuments;
  const document = map.get(keySet);
  if (!document) throw new Error(`test setup: no ${kind} for ${keySet}`);
  return document;
}

const cases = [
  { path: '/.well-known/jwks.json', kind: 'jwks', keySet: 'default', contentType: 'application/jwk-set+json' },
  {
    path: '/key-sets/payments/.well-known/jwks.json',
    kind: 'jwks',
    keySet: 'payments',
    contentType: 'application/jwk-set+json',
  },
  { path: '/.well-known/openid-configuration', kind: 'discovery', keySet: 'default', contentType: 'application/json' },
  {
    path: '/key-sets/payments/.well-known/openid-configuration',
    kind: 'discovery',
    keySet: 'payments',
    contentType: 'application/json',
  },
] as const;

describe.each(cases)('$path', ({ path, kind, keySet, contentType }) => {
  it('GET answers 200 with the source bytes and exactly the documented headers', async () => {
    const document = documentOf(kind, keySet);
    const answer = await gateway.request('GET', path);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(document.body)).toBe(true);
    expect(answer.headers).toEqual({
      'content-type': contentType,
      'content-length': String(document.body.length),
      'cache-control': CACHE_CONTROL_300,
      etag: document.etag,
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'ETag',
      'x-content-type-options': 'nosniff',
      // Added by node:http itself; keep-alive stays on.
      date: expect.any(String) as unknown,
      connection: 'keep-alive',
      'keep-alive': expect.stringMatching(/^timeout=\d+$/) as unknown,
    });
  });

  it('HEAD answers the same headers, Content-Length included, and no body', async () => {
    const document = documentOf(kind, keySet);
    const get = await gateway.request('GET', path);
    const head = await gateway.request('HEAD', path);
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(document.body.length));
    expect({ ...head.headers, date: '' }).toEqual({ ...get.headers, date: '' });
  });

  it('ignores the query string', async () => {
    const answer = await gateway.request('GET', `${path}?cache-buster=1&x=%22`);
    expect(answer.status).toBe(200);
    expect(answer.body.equals(documentOf(kind, keySet).body)).toBe(true);
  });

  it('If-None-Match with the ETag answers 304 with ETag, Cache-Control, CORS and no body', async () => {
    const document = documentOf(kind, keySet);
    const answer = await gateway.request('GET', path, { 'If-None-Match': document.etag });
    expect(answer.status).toBe(304);
    expect(answer.body.length).toBe(0);
    expect(answer.headers.etag).toBe(document.etag);
    expect(answer.headers['cache-control']).toBe(CACHE_CONTROL_300);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(answer.headers['access-control-expose-headers']).toBe('ETag');
    expect(answer.headers['content-type']).toBeUndefined();
    expect(answer.headers['content-length']).toBeUndefined();
  });

  it('HEAD with a matching If-None-Match also answers 304', async () => {
    const answer = await gateway.request('HEAD', path, { 'If-None-Match': documentOf(kind, keySet).etag });
    expect(answer.status).toBe(304);
    expect(answer.body.length).toBe(0);
  });
});

describe('If-None-Match forms (RFC 9110 weak comparison)', () => {
  const path = '/.well-known/jwks.json';
  const etag = (): string => documentOf('jwks', 'default').etag;

  it.each([
    ['a list containing the ETag', () => `"other", ${etag()}, "another"`],
    ['a list without spaces', () => `"other",${etag()}`],
    ['the ETag with a W/ prefix', () => `W/${etag()}`],
    ['a list with W/ tags', () => `W/"other", W/${etag()}`],
    ['a wildcard', () => '*'],
  ])('%s -> 304', async (_name, value) => {
    const answer = await gateway.request('GET', path, { 'If-None-Match': value() });
    expect(answer.status).toBe(304);
    expect(answer.body.length).toBe(0);
  });

  it('a match in the second of two If-None-Match fields -> 304', async () => {
    const answer = await gateway.request('GET', path, { 'If-None-Match': ['"other"', etag()] });
    expect(answer.status).toBe(304);
  });

  it.each([
    ['another ETag', () => '"not-it"'],
    ['a list of other ETags', () => '"a", W/"b", "c,d"'],
    ['the ETag unquoted', () => etag().slice(1, -1)],
    ['a prefix of the ETag', () => `${etag().slice(0, -2)}"`],
    ['garbage', () => 'W/ , ,, "'],
  ])('%s -> 200 with the body', async (_name, value) => {
    const answer = await gateway.request('GET', path, { 'If-None-Match': value() });
    expect(answer.status).toBe(200);
    expect(answer.body.equals(documentOf('jwks', 'default').body)).toBe(true);
  });
});

describe('key-set names in paths', () => {
  it('are percent-decoded', async () => {
    const answer = await gateway.request('GET', '/key-sets/%70ayments/.well-known/jwks.json');
    expect(answer.status).toBe(200);
    expect(answer.body.equals(documentOf('jwks', 'payments').body)).toBe(true);
  });
});

describe('a swapped document', () => {
  it('changes body and ETag on the next request, and the old ETag no longer matches', async () => {
    const path = '/key-sets/rotating/.well-known/jwks.json';
    const first = realJwks('rotating-1');
    source.jwksDocuments.set('rotating', first);
    const before = await gateway.request('GET', path);
    expect(before.headers.etag).toBe(first.etag);
    expect(before.body.equals(first.body)).toBe(true);

    const second = realJwks('rotating-2');
    source.jwksDocuments.set('rotating', second);
    const after = await gateway.request('GET', path, { 'If-None-Match': first.etag });
    expect(after.status).toBe(200);
    expect(after.headers.etag).toBe(second.etag);
    expect(after.headers['content-length']).toBe(String(second.body.length));
    expect(after.body.equals(second.body)).toBe(true);
    expect(second.etag).not.toBe(first.etag);
  });

  it('serves a new document object with the same content under its own ETag', async () => {
    const path = '/key-sets/rotating/.well-known/jwks.json';
    const bytes = prepareDocument({ keys: [] });
    const renamed = { body: bytes.body, etag: '"renamed"' };
    source.jwksDocuments.set('rotating', bytes);
    expect((await gateway.request('GET', path)).headers.etag).toBe(bytes.etag);
    source.jwksDocuments.set('rotating', renamed);
    expect((await gateway.request('GET', path)).headers.etag).toBe('"renamed"');
  });
});

describe('Cache-Control', () => {
  it('keeps stale-while-revalidate at most max-age', async () => {
    const short = await startGateway(source, { jwksMaxAgeSeconds: 30 });
    try {
      for (const path of ['/.well-known/jwks.json', '/.well-known/openid-configuration']) {
        const answer = await short.request('GET', path);
        expect(answer.headers['cache-control']).toBe(
          'public, max-age=30, stale-while-revalidate=30, stale-if-error=86400',
        );
      }
    } finally {
      await short.close();
    }
  });

  it('caps stale-while-revalidate at 60 seconds', async () => {
    const long = await startGateway(source, { jwksMaxAgeSeconds: 3600 });
    try {
      const answer = await long.request('GET', '/.well-known/jwks.json');
      expect(answer.headers['cache-control']).toBe(
        'public, max-age=3600, stale-while-revalidate=60, stale-if-error=86400',
      );
    } finally {
      await long.close();
    }
  });
});
