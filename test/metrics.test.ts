// @vitest-environment node
// /metrics of a real service, scraped over real HTTP and read with an independent parser of the
// Prometheus text format: the counters move with what the service does.
import { RotationMode, VerifyReason } from '@keyward/proto/keyward/v1';
import { randomBytes } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { parseExposition, valueOf, type Families } from '../server/src/metrics/test-support/exposition.js';
import { useTestKeyward } from './support/keyward.js';

const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

const kw = useTestKeyward();

async function scrape(metricsUrl: string = kw.metricsUrl, headers: Record<string, string> = {}): Promise<Families> {
  const response = await fetch(`${metricsUrl}/metrics`, { headers });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseExposition(await response.text());
}

describe('/metrics', () => {
  it('serves the Prometheus text format on its own listener, not on the gateway', async () => {
    const families = await scrape();
    const names = families.map((family) => family.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'keyward_signatures_total',
        'keyward_sign_duration_seconds',
        'keyward_jwks_responses_total',
        'keyward_keys',
        'keyward_next_transition_seconds',
        'keyward_scheduler_last_success_timestamp_seconds',
        'keyward_replica_notification_lag_seconds',
        'keyward_verifications_total',
        'keyward_reported_failures_total',
        'keyward_process_cpu_seconds_total',
        'keyward_nodejs_eventloop_lag_seconds',
      ]),
    );
    expect(names.every((name) => name.startsWith('keyward_'))).toBe(true);
    expect(kw.running.metricsPort).not.toBe(kw.running.httpPort);
    expect((await fetch(`${kw.httpUrl}/metrics`)).status).toBe(404);
    expect((await fetch(`${kw.metricsUrl}/other`)).status).toBe(404);
    expect((await fetch(`${kw.metricsUrl}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('counts signatures by key set and algorithm, and times them', async () => {
    await kw.rpc.createKeySet({ keySet: 'signed', algorithm: 'EdDSA', kidScheme: 0 });
    const before = await scrape();
    for (let i = 0; i < 3; i += 1) await kw.rpc.sign({ keySet: 'signed', claimsJson: JSON.stringify({ i }) });
    const after = await scrape();
    const labels = { key_set: 'signed', alg: 'EdDSA' };
    expect(
      valueOf(after, 'keyward_signatures_total', labels) - valueOf(before, 'keyward_signatures_total', labels),
    ).toBe(3);
    expect(valueOf(after, 'keyward_sign_duration_seconds') - valueOf(before, 'keyward_sign_duration_seconds')).toBe(3);
  });

  it('counts reported failures by reason and by the state of the key they name (unknown kids as unknown)', async () => {
    const created = await kw.rpc.createKeySet({ keySet: 'reported', algorithm: 'ES256', kidScheme: 0 });
    const count = (families: Families, reason: string, keyState: string) =>
      valueOf(families, 'keyward_reported_failures_total', { key_set: 'reported', reason, key_state: keyState });
    const before = await scrape();
    const windowStart = new Date();
    await kw.rpc.reportVerificationFailures({
      keySet: 'reported',
      items: [
        {
          kid: created.activeKey!.kid,
          reason: VerifyReason.VERIFY_REASON_EXPIRED,
          alg: 'ES256',
          count: 4,
          windowStart,
        },
        {
          kid: 'not-a-kid-of-ours',
          reason: VerifyReason.VERIFY_REASON_UNKNOWN_KID,
          alg: 'ES256',
          count: 2,
          windowStart,
        },
      ],
    });
    const after = await scrape();
    expect(count(after, 'EXPIRED', 'ACTIVE') - count(before, 'EXPIRED', 'ACTIVE')).toBe(4);
    expect(count(after, 'UNKNOWN_KID', 'unknown') - count(before, 'UNKNOWN_KID', 'unknown')).toBe(2);
  });

  it('counts JWKS responses by status: 200, 304 on a matching If-None-Match, 404 for an unknown key set', async () => {
    const count = (families: Families, status: string) => valueOf(families, 'keyward_jwks_responses_total', { status });
    const before = await scrape();
    const ok = await fetch(`${kw.httpUrl}/.well-known/jwks.json`);
    expect(ok.status).toBe(200);
    const etag = ok.headers.get('etag')!;
    const revalidated = await fetch(`${kw.httpUrl}/.well-known/jwks.json`, { headers: { 'If-None-Match': etag } });
    expect(revalidated.status).toBe(304);
    const unknown = await fetch(`${kw.httpUrl}/key-sets/no-such-set/.well-known/jwks.json`);
    expect(unknown.status).toBe(404);
    // Discovery documents are not JWKS responses.
    await fetch(`${kw.httpUrl}/.well-known/openid-configuration`);
    const after = await scrape();
    expect(count(after, '200') - count(before, '200')).toBe(1);
    expect(count(after, '304') - count(before, '304')).toBe(1);
    expect(count(after, '404') - count(before, '404')).toBe(1);
  });

  it('shows a rotation in the key gauges, and the replica following its own change', async () => {
    await kw.rpc.createKeySet({ keySet: 'rotating', algorithm: 'ES256', kidScheme: 0 });
    const keys = (families: Families, state: string) =>
      valueOf(families, 'keyward_keys', { key_set: 'rotating', state });
    const lag = (families: Families) => valueOf(families, 'keyward_replica_notification_lag_seconds');
    const before = await scrape();
    expect([keys(before, 'ACTIVE'), keys(before, 'RETIRED'), keys(before, 'PENDING')]).toEqual([1, 0, 0]);
    await kw.rpc.rotate({ keySet: 'rotating', reason: 'metrics test', mode: IMMEDIATE });
    const after = await scrape();
    expect([keys(after, 'ACTIVE'), keys(after, 'RETIRED'), keys(after, 'PENDING')]).toEqual([1, 1, 0]);
    // The service hears its own NOTIFY too, and reloads after the RPC has answered.
    await vi.waitFor(async () => expect(lag(await scrape())).toBeGreaterThan(lag(before)));
  });

  it('tells the seconds until the next lifecycle step the timeline projects', async () => {
    await kw.rpc.createKeySet({ keySet: 'timed', algorithm: 'ES256', kidScheme: 0 });
    const timeline = await kw.rpc.getKeyTimeline({ keySet: 'timed' });
    const scheduled = timeline.keys.flatMap((key) => key.intervals.filter((interval) => interval.scheduled));
    const next = Math.min(...scheduled.map((interval) => interval.start!.getTime()));
    const families = await scrape();
    const seconds = valueOf(families, 'keyward_next_transition_seconds', { key_set: 'timed' });
    // The default policy rotates after 30 days; the scrape came a moment after the timeline.
    expect(seconds).toBeGreaterThan(86_400);
    expect(Math.abs(seconds - (next - Date.now()) / 1_000)).toBeLessThan(5);
  });

  it('stamps a scheduler tick that went through every key set', async () => {
    const before = Date.now() / 1_000;
    await kw.running.scheduler.tick();
    const stamp = valueOf(await scrape(), 'keyward_scheduler_last_success_timestamp_seconds');
    expect(stamp).toBeGreaterThanOrEqual(Math.floor(before));
    expect(stamp).toBeLessThanOrEqual(Date.now() / 1_000 + 1);
  });
});

describe('/metrics with KEYWARD_METRICS_TOKEN', () => {
  const token = randomBytes(32).toString('base64');
  const guarded = useTestKeyward({ metricsToken: token });

  it('answers 401 without the token or with another, and 200 with it', async () => {
    const url = `${guarded.metricsUrl}/metrics`;
    const without = await fetch(url);
    expect(without.status).toBe(401);
    expect(without.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await without.text()).not.toContain('keyward_');
    expect((await fetch(url, { headers: { Authorization: `Bearer ${token}x` } })).status).toBe(401);
    expect((await fetch(url, { headers: { Authorization: `Basic ${token}` } })).status).toBe(401);
    const families = await scrape(guarded.metricsUrl, { Authorization: `Bearer ${token}` });
    expect(valueOf(families, 'keyward_keys', { key_set: 'default', state: 'ACTIVE' })).toBe(1);
  });
});
