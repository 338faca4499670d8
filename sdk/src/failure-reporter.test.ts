// Failure reports against a local stub of POST /v1/verification-failures: the JSON Keyward expects,
// aggregation per (kid, reason, alg, minute), the bounded queue, back-off on 429 and 5xx.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHttpStub, type HttpStub, type StubAnswer } from './test-support/http-stub.js';
import { startJwksStub, type JwksStub } from './test-support/jwks-stub.js';
import { testKey, tokenOf, type TestKey } from './test-support/keys.js';
import { TestClock } from './test-support/test-clock.js';
import type { ReportDroppedEvent, ReportSentEvent } from './failure-reporter.js';
import { KeywardVerifier, type KeywardVerifierOptions } from './verifier.js';

const REPORT_TOKEN = 'kw_report_0123456789abcdef0123456789abcdef';
const accepted = (count: number): StubAnswer => ({
  status: 202,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ accepted: count }),
});

let clock: TestClock;
let jwks: JwksStub;
let keyward: HttpStub;
let key: TestKey;
let sent: ReportSentEvent[];
let dropped: ReportDroppedEvent[];

beforeEach(async () => {
  clock = new TestClock('2026-12-06T05:00:10Z');
  key = await testKey('k1', 'ES256');
  jwks = await startJwksStub([key.jwk], 'max-age=300');
  keyward = await startHttpStub((request) => accepted((JSON.parse(request.body) as { items: unknown[] }).items.length));
  sent = [];
  dropped = [];
});
afterEach(async () => {
  await keyward.close();
  await jwks.close();
});

function verifier(report: Partial<NonNullable<KeywardVerifierOptions['report']>> = {}): KeywardVerifier {
  return new KeywardVerifier({
    jwksUri: jwks.url,
    clock: clock.now,
    report: { keywardUrl: keyward.url, token: REPORT_TOKEN, keySet: 'payments', ...report },
    hooks: { onReportSent: (e) => sent.push(e), onReportDropped: (e) => dropped.push(e) },
  });
}

async function fail(v: KeywardVerifier, token: string, options = {}): Promise<void> {
  await expect(v.verify(token, options)).rejects.toThrow();
}

interface Body {
  key_set: string;
  items: { kid: string; reason: string; alg: string; count: number; window_start: string }[];
}
const bodyOf = (i: number) => JSON.parse(keyward.requests[i]!.body) as Body;
const byKid = (items: Body['items']) =>
  [...items].sort((a, b) => `${a.kid}${a.reason}`.localeCompare(`${b.kid}${b.reason}`));

describe('failure reports', () => {
  it('aggregates per kid, reason, alg and minute, and posts the JSON Keyward expects, without the tokens', async () => {
    const v = verifier();
    const expired = await tokenOf(key, clock.now(), { iat: 1_000, exp: 2_000 });
    for (let i = 0; i < 3; i += 1) await fail(v, expired);
    await fail(v, await tokenOf(key, clock.now()), { audience: 'elsewhere' });
    const stranger = await testKey('k-unknown', 'ES384');
    const unknownToken = await tokenOf(stranger, clock.now());
    await fail(v, unknownToken);
    await fail(v, unknownToken);
    clock.advance(60); // the next minute
    await fail(v, expired);
    await v.verify(await tokenOf(key, clock.now())); // a success is not reported

    await v.flushReports();
    expect(keyward.requests).toHaveLength(1);
    const request = keyward.requests[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/verification-failures');
    expect(request.headers.authorization).toBe(`Bearer ${REPORT_TOKEN}`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).not.toContain(expired.split('.')[2]);
    expect(request.body).not.toContain(unknownToken.split('.')[1]);
    const body = bodyOf(0);
    expect(body.key_set).toBe('payments');
    expect(byKid(body.items)).toEqual([
      { kid: 'k-unknown', reason: 'UNKNOWN_KID', alg: 'ES384', count: 2, window_start: '2026-12-06T05:00:00Z' },
      { kid: 'k1', reason: 'AUDIENCE_MISMATCH', alg: 'ES256', count: 1, window_start: '2026-12-06T05:00:00Z' },
      { kid: 'k1', reason: 'EXPIRED', alg: 'ES256', count: 3, window_start: '2026-12-06T05:00:00Z' },
      { kid: 'k1', reason: 'EXPIRED', alg: 'ES256', count: 1, window_start: '2026-12-06T05:01:00Z' },
    ]);
    expect(sent).toEqual([{ items: 4, failures: 7, accepted: 4 }]);

    // Sent once: nothing left to send.
    await v.flushReports();
    expect(keyward.requests).toHaveLength(1);
    await v.close();
  });

  it('drops failures beyond maxEntries distinct entries, counting them', async () => {
    const v = verifier({ maxEntries: 2 });
    const forger = await testKey('x', 'ES256');
    for (const kid of ['a', 'b', 'c', 'd']) await fail(v, await tokenOf({ ...forger, kid }, clock.now()));
    await fail(v, await tokenOf({ ...forger, kid: 'a' }, clock.now())); // merges into a held entry
    expect(dropped).toEqual([
      { failures: 1, cause: 'overflow' },
      { failures: 1, cause: 'overflow' },
    ]);
    await v.flushReports();
    expect(byKid(bodyOf(0).items).map((item) => [item.kid, item.count])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
    await v.close();
  });

  it('waits out a 429 Retry-After, keeping (and merging) what it could not send', async () => {
    const v = verifier({ flushIntervalSeconds: 30 });
    keyward.answer = () => ({ status: 429, headers: { 'retry-after': '120' }, body: '{}' });
    const expired = await tokenOf(key, clock.now(), { iat: 1_000, exp: 2_000 });
    await fail(v, expired);
    await v.flushReports();
    expect(keyward.requests).toHaveLength(1);

    await fail(v, expired);
    clock.advance(119);
    await v.flushReports();
    expect(keyward.requests).toHaveLength(1);

    keyward.answer = () => accepted(1);
    clock.advance(1);
    await v.flushReports();
    expect(keyward.requests).toHaveLength(2);
    expect(bodyOf(1).items).toEqual([
      { kid: 'k1', reason: 'EXPIRED', alg: 'ES256', count: 2, window_start: '2026-12-06T05:00:00Z' },
    ]);
    expect(sent).toEqual([{ items: 1, failures: 2, accepted: 1 }]);
    await v.close();
  });

  it('backs off, doubling, on 5xx', async () => {
    const v = verifier({ flushIntervalSeconds: 30 });
    keyward.answer = () => ({ status: 503, body: 'down' });
    await fail(v, await tokenOf(key, clock.now(), { iat: 1_000, exp: 2_000 }));
    await v.flushReports();
    clock.advance(29);
    await v.flushReports();
    expect(keyward.requests).toHaveLength(1);
    clock.advance(1);
    await v.flushReports(); // 30 s after the first: the second attempt, failing again
    expect(keyward.requests).toHaveLength(2);
    clock.advance(59);
    await v.flushReports();
    expect(keyward.requests).toHaveLength(2);
    clock.advance(1);
    keyward.answer = () => accepted(1);
    await v.flushReports();
    expect(keyward.requests).toHaveLength(3);
    expect(sent).toEqual([{ items: 1, failures: 1, accepted: 1 }]);
    await v.close();
  });

  it('drops a batch Keyward refuses as bad input (400), and does not retry it', async () => {
    const v = verifier();
    keyward.answer = () => ({ status: 400, body: '{"error":"bad"}' });
    await fail(v, await tokenOf(key, clock.now(), { iat: 1_000, exp: 2_000 }));
    await v.flushReports();
    await v.flushReports();
    expect(keyward.requests).toHaveLength(1);
    expect(dropped).toEqual([{ failures: 1, cause: 'rejected' }]);
    await v.close();
  });

  it('close() sends what is queued', async () => {
    const v = verifier();
    await fail(v, await tokenOf(key, clock.now(), { iat: 1_000, exp: 2_000 }));
    await v.close();
    expect(keyward.requests).toHaveLength(1);
    expect(bodyOf(0).items).toHaveLength(1);
  });

  it('is off without a report token', async () => {
    const v = verifier({ token: '' });
    await fail(v, await tokenOf(key, clock.now(), { iat: 1_000, exp: 2_000 }));
    await v.close();
    expect(keyward.requests).toHaveLength(0);
  });
});
