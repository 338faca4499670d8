// @vitest-environment node
import { describe, expect, it } from 'vitest';
import type { KeySetView } from '../keyring/view.js';
import { KeywardMetrics } from './metrics.js';
import { family, parseExposition, sample, valueOf } from './test-support/exposition.js';

const noKeySets = { keySets: (): KeySetView[] => [], now: () => new Date() };

async function scrape(metrics: KeywardMetrics) {
  return parseExposition(await metrics.render());
}

describe('KeywardMetrics', () => {
  it('names no label after a kid or a client, process metrics included', () => {
    const metrics = new KeywardMetrics(noKeySets, { processMetrics: true });
    const all = metrics.registry.getMetricsAsArray();
    expect(all.length).toBeGreaterThan(10);
    for (const metric of all) {
      expect(metric.name, metric.name).toMatch(/^keyward_/);
      const labelNames = (metric as unknown as { labelNames: readonly string[] }).labelNames;
      for (const label of labelNames) expect(label, metric.name).not.toMatch(/kid|client/i);
    }
  });

  it('counts verifications by key set and result', async () => {
    const metrics = new KeywardMetrics(noKeySets, { processMetrics: false });
    metrics.verified('payments', 'valid');
    metrics.verified('payments', 'valid');
    metrics.verified('payments', 'BAD_SIGNATURE');
    metrics.verified('orders', 'EXPIRED');
    const families = await scrape(metrics);
    expect(family(families, 'keyward_verifications_total')?.type).toBe('COUNTER');
    expect(valueOf(families, 'keyward_verifications_total', { key_set: 'payments', result: 'valid' })).toBe(2);
    expect(valueOf(families, 'keyward_verifications_total', { key_set: 'payments', result: 'BAD_SIGNATURE' })).toBe(1);
    expect(valueOf(families, 'keyward_verifications_total', { key_set: 'orders', result: 'EXPIRED' })).toBe(1);
  });

  it('adds reported failures by key set, reason and key state', async () => {
    const metrics = new KeywardMetrics(noKeySets, { processMetrics: false });
    metrics.reported('payments', 'UNKNOWN_KID', 'unknown', 5);
    metrics.reported('payments', 'UNKNOWN_KID', 'unknown', 2);
    metrics.reported('payments', 'KEY_EXPIRED', 'EXPIRED', 1);
    const families = await scrape(metrics);
    const name = 'keyward_reported_failures_total';
    expect(family(families, name)?.type).toBe('COUNTER');
    expect(valueOf(families, name, { key_set: 'payments', reason: 'UNKNOWN_KID', key_state: 'unknown' })).toBe(7);
    expect(valueOf(families, name, { key_set: 'payments', reason: 'KEY_EXPIRED', key_state: 'EXPIRED' })).toBe(1);
  });

  it('counts signatures per key set and algorithm, and times every Sign in 50 µs to 50 ms buckets', async () => {
    const metrics = new KeywardMetrics(noKeySets, { processMetrics: false });
    metrics.signed('payments', 'ES256', 0.00004);
    metrics.signed('payments', 'ES256', 0.003);
    metrics.signed('orders', 'RS256', 0.2);
    const families = await scrape(metrics);
    expect(valueOf(families, 'keyward_signatures_total', { key_set: 'payments', alg: 'ES256' })).toBe(2);
    expect(valueOf(families, 'keyward_signatures_total', { key_set: 'orders', alg: 'RS256' })).toBe(1);
    const duration = sample(families, 'keyward_sign_duration_seconds');
    expect(duration?.count).toBe('3');
    expect(duration?.buckets?.['0.00005']).toBe('1');
    expect(duration?.buckets?.['0.005']).toBe('2');
    expect(duration?.buckets?.['+Inf']).toBe('3');
    expect(Object.keys(duration?.buckets ?? {})).toEqual([
      '0.00005',
      '0.0001',
      '0.00025',
      '0.0005',
      '0.001',
      '0.0025',
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '+Inf',
    ]);
  });

  it('measures the notification lag from the commit time, never below zero', async () => {
    const metrics = new KeywardMetrics(noKeySets, { processMetrics: false });
    metrics.noticeApplied(new Date(Date.now() - 2_000));
    // A writer whose clock runs ahead.
    metrics.noticeApplied(new Date(Date.now() + 60_000));
    const lag = sample(await scrape(metrics), 'keyward_replica_notification_lag_seconds');
    expect(lag?.count).toBe('2');
    expect(lag?.buckets?.['0.005']).toBe('1');
    expect(lag?.buckets?.['2.5']).toBe('2');
    expect(Number(lag?.sum)).toBeGreaterThanOrEqual(2);
    expect(Number(lag?.sum)).toBeLessThan(3);
  });
});
