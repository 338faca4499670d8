import { describe, expect, it } from 'vitest';
import { FailureAggregator, UNKNOWN_KID_SAMPLES_PER_HOUR } from './failure-aggregator.js';
import type { FailureObservation } from '../model/verification-failures.js';

const at = new Date('2030-01-01T00:05:42.123Z');
const observation = (kid: string, extra: Partial<FailureObservation> = {}): FailureObservation => ({
  keySet: 'payments',
  client: 'token:rp',
  kid,
  reason: 'UNKNOWN_KID',
  alg: 'ES256',
  at,
  count: 1,
  ...extra,
});

describe('FailureAggregator', () => {
  it('adds counts per minute and counts kids the key set does not hold as "unknown", with a sample', () => {
    const aggregator = new FailureAggregator({ isKeyOf: (_keySet, kid) => kid === 'k1' });
    aggregator.record(observation('k1', { count: 2 }));
    aggregator.record(observation('k1', { count: 3, at: new Date('2030-01-01T00:05:00Z') }));
    for (let i = 0; i < 1_000; i += 1) aggregator.record(observation(`made-up-${i}`));
    const batch = aggregator.drain();
    expect(batch.buckets).toEqual([
      {
        keySet: 'payments',
        client: 'token:rp',
        kid: 'k1',
        reason: 'UNKNOWN_KID',
        alg: 'ES256',
        minute: new Date('2030-01-01T00:05:00Z'),
        count: 5,
      },
      {
        keySet: 'payments',
        client: 'token:rp',
        kid: 'unknown',
        reason: 'UNKNOWN_KID',
        alg: 'ES256',
        minute: new Date('2030-01-01T00:05:00Z'),
        count: 1_000,
      },
    ]);
    expect(batch.unknownKidSamples).toHaveLength(UNKNOWN_KID_SAMPLES_PER_HOUR);
    expect(batch.unknownKidSamples[0]).toEqual({
      keySet: 'payments',
      hour: new Date('2030-01-01T00:00:00Z'),
      kid: 'made-up-0',
    });
    expect(aggregator.drain()).toEqual({ buckets: [], unknownKidSamples: [], droppedSinceLastDrain: 0 });
  });

  it('holds at most maxBuckets buckets and counts what it drops', () => {
    const aggregator = new FailureAggregator({ isKeyOf: () => true, maxBuckets: 100 });
    for (let i = 0; i < 10_000; i += 1) aggregator.record(observation('k1', { client: `token:c${i}`, count: 2 }));
    expect(aggregator.size).toBe(100);
    const batch = aggregator.drain();
    expect(batch.buckets).toHaveLength(100);
    expect(batch.droppedSinceLastDrain).toBe(9_900 * 2);
    // Buckets already held still count.
    aggregator.record(observation('k1', { client: 'token:c0' }));
    expect(aggregator.size).toBe(1);
  });
});
