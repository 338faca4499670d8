// @vitest-environment node
// Failure reports through both doors of a real Keyward, stored by the real usage flush, read back
// with GetVerificationStats.
import { status, type ServiceError } from '@grpc/grpc-js';
import {
  RotationMode,
  Scope,
  StatsGroupBy,
  VerifyReason,
  type GetVerificationStatsResponse,
} from '@keyward/proto/keyward/v1';
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { statusOf } from './support/grpc-errors.js';
import { useTestKeyward } from './support/keyward.js';
import { queryDatabase } from './support/sql.js';

const now = new Date('2030-01-01T00:10:30Z');
const kw = useTestKeyward({ clock: () => now });

const secrets: Record<string, string> = {};
let activeKid = '';

beforeAll(async () => {
  await kw.rpc.createKeySet({ keySet: 'payments', algorithm: 'ES256', kidScheme: 0 });
  activeKid = (await kw.rpc.getKeySet({ keySet: 'payments' })).keySet!.activeKid;
  for (const [name, scopes] of [
    ['rp-http', [Scope.SCOPE_REPORT]],
    ['rp-grpc', [Scope.SCOPE_REPORT]],
    ['reader', [Scope.SCOPE_READ]],
  ] as const) {
    secrets[name] = (
      await kw.rpc.createApiToken({ name, grants: [{ keySet: 'payments', scopes: [...scopes] }] })
    ).secret;
  }
});

function post(body: unknown, token: string | null = secrets['rp-http']!, contentType = 'application/json') {
  return fetch(`${kw.httpUrl}/v1/verification-failures`, {
    method: 'POST',
    headers: { 'content-type': contentType, ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function stats(groupBy: StatsGroupBy, from = new Date('2030-01-01T00:00:00Z')): Promise<GetVerificationStatsResponse> {
  return kw.rpc.getVerificationStats({
    keySet: 'payments',
    from,
    to: new Date(from.getTime() + 20 * 60_000),
    step: { seconds: '60', nanos: 0 },
    groupBy,
  });
}

/** Series key → { minute index: count } for the non-zero points. */
function nonZero(response: GetVerificationStatsResponse): Record<string, Record<number, number>> {
  const out: Record<string, Record<number, number>> = {};
  for (const series of response.series) {
    out[series.key] = {};
    series.points.forEach((point, index) => {
      if (point.count !== '0') out[series.key]![index] = Number(point.count);
    });
  }
  return out;
}

describe('reports through both doors', () => {
  it('counts HTTP and gRPC reports in their minute, per reason, kid and client', async () => {
    const response = await post({
      key_set: 'payments',
      items: [
        { kid: activeKid, reason: 'BAD_SIGNATURE', alg: 'ES256', count: 3, window_start: '2030-01-01T00:05:10Z' },
        { kid: 'made-up', reason: 'UNKNOWN_KID', alg: '', count: 2, window_start: '2030-01-01T00:07:00Z' },
      ],
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 2 });
    const grpc = await kw.rpc.reportVerificationFailures(
      {
        keySet: 'payments',
        items: [
          {
            kid: activeKid,
            reason: VerifyReason.VERIFY_REASON_BAD_SIGNATURE,
            alg: 'ES256',
            count: 5,
            windowStart: new Date('2030-01-01T00:05:59Z'),
          },
        ],
      },
      secrets['rp-grpc'],
    );
    expect(grpc.accepted).toBe(1);
    await kw.running.flushUsage();

    expect(nonZero(await stats(StatsGroupBy.STATS_GROUP_BY_REASON))).toEqual({
      BAD_SIGNATURE: { 5: 8 },
      UNKNOWN_KID: { 7: 2 },
    });
    expect(nonZero(await stats(StatsGroupBy.STATS_GROUP_BY_KID))).toEqual({
      [activeKid]: { 5: 8 },
      unknown: { 7: 2 },
    });
    const byClient = await stats(StatsGroupBy.STATS_GROUP_BY_CLIENT);
    expect(nonZero(byClient)).toEqual({ 'token:rp-http': { 5: 3, 7: 2 }, 'token:rp-grpc': { 5: 5 } });
    expect(byClient.series[0]!.points).toHaveLength(20);
    expect(byClient.series[0]!.points[5]!.start).toEqual(new Date('2030-01-01T00:05:00Z'));
    expect(byClient.unknownKidSamples).toEqual(['made-up']);
    // A rotation's lifecycle events come back as chart markers; audit-only events do not.
    await kw.rpc.rotate({ keySet: 'payments', reason: 'test', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
    const types = (await stats(StatsGroupBy.STATS_GROUP_BY_REASON)).lifecycleEvents.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['key.activated']));
    expect(types.every((type) => ['key.published', 'key.activated', 'key.retired'].includes(type))).toBe(true);
  });

  it('stores nothing of a batch with one bad item, and names the field', async () => {
    const before = await stats(StatsGroupBy.STATS_GROUP_BY_REASON);
    const good = { kid: activeKid, reason: 'EXPIRED', alg: 'ES256', count: 1, window_start: '2030-01-01T00:01:00Z' };
    const cases: [unknown, string][] = [
      [{ key_set: 'payments', items: [good, { ...good, count: 0 }] }, 'items[1].count'],
      [{ key_set: 'payments', items: [good, good, good, { ...good, reason: 'NOPE' }] }, 'items[3].reason'],
      [{ key_set: 'payments', items: [{ ...good, alg: 'none' }] }, 'items[0].alg'],
      [{ key_set: 'payments', items: [{ ...good, kid: 'x'.repeat(129) }] }, 'items[0].kid'],
      [{ key_set: 'payments', items: [{ ...good, window_start: '2029-12-30T00:00:00Z' }] }, 'items[0].window_start'],
      [{ key_set: 'payments', items: [{ ...good, window_start: '2030-01-01T00:30:00Z' }] }, 'items[0].window_start'],
      [{ key_set: 'payments', items: Array.from({ length: 501 }, () => good) }, 'items'],
      [{ key_set: 'payments', items: [{ ...good, count: '1' }] }, 'items[0].count'],
      ['{"key_set": "payments", "items": [', 'body'],
    ];
    for (const [body, field] of cases) {
      const response = await post(body);
      expect(response.status, field).toBe(400);
      const answer = (await response.json()) as { error_description: string };
      expect(answer.error_description.startsWith(`${field}:`), answer.error_description).toBe(true);
    }
    const grpcBad = kw.rpc.reportVerificationFailures(
      {
        keySet: 'payments',
        items: [
          { kid: activeKid, reason: VerifyReason.VERIFY_REASON_EXPIRED, alg: '', count: 1, windowStart: now },
          { kid: activeKid, reason: VerifyReason.VERIFY_REASON_EXPIRED, alg: '', count: 100_001, windowStart: now },
        ],
      },
      secrets['rp-grpc'],
    );
    const refusal = (await grpcBad.then(
      () => undefined,
      (error: unknown) => error,
    )) as ServiceError;
    expect(refusal.code).toBe(status.INVALID_ARGUMENT);
    expect(refusal.details).toMatch(/^items\[1\]\.count: /);
    await kw.running.flushUsage();
    expect(nonZero(await stats(StatsGroupBy.STATS_GROUP_BY_REASON))).toEqual(nonZero(before));
  });

  it('refuses a token without the report scope, a missing token, and anything but JSON', async () => {
    const body = {
      key_set: 'payments',
      items: [{ kid: activeKid, reason: 'EXPIRED', alg: '', count: 1, window_start: '2030-01-01T00:01:00Z' }],
    };
    expect((await post(body, secrets['reader'])).status).toBe(403);
    expect((await post(body, null)).status).toBe(401);
    expect((await post(body, secrets['rp-http'], 'text/plain')).status).toBe(415);
    expect((await post('x'.repeat(300 * 1024))).status).toBe(413);
    const get = await fetch(`${kw.httpUrl}/v1/verification-failures`);
    expect(get.status).toBe(405);
    expect(
      await statusOf(
        kw.rpc.reportVerificationFailures(
          { keySet: 'payments', items: [{ kid: '', reason: 1, alg: '', count: 1, windowStart: now }] },
          secrets['reader'],
        ),
      ),
    ).toBe(status.PERMISSION_DENIED);
  });

  it('keeps a flood of made-up kids to one row per minute and a bounded sample', async () => {
    await kw.running.flushUsage();
    const before = await queryDatabase<{ n: string }>(
      kw.databaseUrl,
      'SELECT count(*) AS n FROM verification_failure_counts',
    );
    for (let batch = 0; batch < 200; batch += 1) {
      const items = Array.from({ length: 500 }, () => ({
        kid: randomBytes(12).toString('base64url'),
        reason: 'UNKNOWN_KID',
        alg: 'ES256',
        count: 1,
        window_start: '2030-01-01T00:09:00Z',
      }));
      expect((await post({ key_set: 'payments', items })).status).toBe(202);
    }
    await kw.running.flushUsage();
    const [after] = await queryDatabase<{ n: string }>(
      kw.databaseUrl,
      'SELECT count(*) AS n FROM verification_failure_counts',
    );
    expect(Number(after!.n) - Number(before[0]!.n)).toBe(1);
    const [samples] = await queryDatabase<{ n: string }>(
      kw.databaseUrl,
      'SELECT count(*) AS n FROM verification_failure_unknown_kids',
    );
    expect(Number(samples!.n)).toBeLessThanOrEqual(40);
    expect(nonZero(await stats(StatsGroupBy.STATS_GROUP_BY_KID))['unknown']![9]).toBe(100_000);
  });

  it('bounds the range of GetVerificationStats', async () => {
    const from = new Date('2030-01-01T00:00:00Z');
    const ask = (seconds: number, to: Date) =>
      statusOf(
        kw.rpc.getVerificationStats({
          keySet: 'payments',
          from,
          to,
          step: { seconds: String(seconds), nanos: 0 },
          groupBy: StatsGroupBy.STATS_GROUP_BY_REASON,
        }),
      );
    expect(await ask(60, new Date(from.getTime() + 2_001 * 60_000))).toBe(status.INVALID_ARGUMENT);
    expect(await ask(90, new Date(from.getTime() + 60 * 60_000))).toBe(status.INVALID_ARGUMENT);
    expect(await ask(60, new Date(from.getTime() + 2_000 * 60_000))).toBe('ok');
  });
});

describe('the rate limit', () => {
  const limited = useTestKeyward({ clock: () => now, rateLimitPerSecond: 1, rateLimitBurst: 1 });

  it('answers 429 with Retry-After once a token has used its budget', async () => {
    const { secret } = await limited.rpc.createApiToken({
      name: 'eager',
      grants: [{ keySet: 'default', scopes: [Scope.SCOPE_REPORT] }],
    });
    const send = () =>
      fetch(`${limited.httpUrl}/v1/verification-failures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ key_set: 'default', items: [] }),
      });
    expect((await send()).status).toBe(202);
    const refused = await send();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
