// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SignatureCounter } from './signature-counter.js';

const MINUTE_MS = 60_000;

// A few keys and times spread over a few minutes, in any order, so records often share a bucket,
// cross minute boundaries and arrive late.
const records = fc.array(
  fc.record({
    keyId: fc.constantFrom('key-a', 'key-b', 'key-c'),
    ms: fc.integer({ min: 1_700_000_000_000, max: 1_700_000_000_000 + 5 * MINUTE_MS }),
  }),
  { maxLength: 200 },
);

function expectedCounts(recorded: { keyId: string; ms: number }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const { keyId, ms } of recorded) {
    const bucket = `${keyId}@${Math.floor(ms / MINUTE_MS) * MINUTE_MS}`;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  return counts;
}

describe('SignatureCounter', () => {
  it('drains exactly the records per key and minute, and the latest signing time per key', () => {
    fc.assert(
      fc.property(records, (recorded) => {
        const counter = new SignatureCounter();
        for (const { keyId, ms } of recorded) counter.record(keyId, new Date(ms));

        const batch = counter.drain();

        const drained = new Map<string, number>();
        for (const { keyId, minute, count } of batch.counts) {
          const bucket = `${keyId}@${minute.getTime()}`;
          expect(drained.has(bucket)).toBe(false); // one entry per key and minute
          expect(count).toBeGreaterThan(0);
          drained.set(bucket, count);
        }
        expect(drained).toEqual(expectedCounts(recorded));
        expect(batch.counts.reduce((sum, { count }) => sum + count, 0)).toBe(recorded.length);

        const latest = new Map<string, number>();
        for (const { keyId, ms } of recorded) latest.set(keyId, Math.max(latest.get(keyId) ?? -Infinity, ms));
        expect(new Map(batch.lastSignedAt.map(({ keyId, at }) => [keyId, at.getTime()]))).toEqual(latest);
        expect(batch.lastSignedAt).toHaveLength(latest.size);
      }),
    );
  });

  it('splits records over drains without losing or repeating any', () => {
    fc.assert(
      fc.property(records, fc.nat(), (recorded, cut) => {
        const at = recorded.length === 0 ? 0 : cut % (recorded.length + 1);
        const counter = new SignatureCounter();
        recorded.slice(0, at).forEach(({ keyId, ms }) => counter.record(keyId, new Date(ms)));
        const first = counter.drain();
        recorded.slice(at).forEach(({ keyId, ms }) => counter.record(keyId, new Date(ms)));
        const second = counter.drain();

        const total = [...first.counts, ...second.counts].reduce((sum, { count }) => sum + count, 0);
        expect(total).toBe(recorded.length);
        expect(counter.drain()).toEqual({ counts: [], lastSignedAt: [] });
      }),
    );
  });

  it('buckets by the minute the signature was made in', () => {
    const counter = new SignatureCounter();
    counter.record('k', new Date('2024-05-01T10:00:59.999Z'));
    counter.record('k', new Date('2024-05-01T10:01:00.000Z'));
    counter.record('k', new Date('2024-05-01T10:00:00.000Z'));

    const batch = counter.drain();

    expect(batch.counts).toEqual(
      expect.arrayContaining([
        { keyId: 'k', minute: new Date('2024-05-01T10:00:00Z'), count: 2 },
        { keyId: 'k', minute: new Date('2024-05-01T10:01:00Z'), count: 1 },
      ]),
    );
    expect(batch.counts).toHaveLength(2);
    expect(batch.lastSignedAt).toEqual([
      { keyId: 'k', at: new Date('2024-05-01T10:01:00.000Z'), latestTokenExpiry: null },
    ]);
  });

  it('keeps the latest token expiry per key, ignoring signatures without one', () => {
    const counter = new SignatureCounter();
    const at = new Date('2024-05-01T10:00:00Z');
    counter.record('k', at, new Date('2024-05-01T11:00:00Z'));
    counter.record('k', at, new Date('2024-05-01T10:30:00Z'));
    counter.record('k', at);
    counter.record('other', at);
    expect(counter.drain().lastSignedAt).toEqual([
      { keyId: 'k', at, latestTokenExpiry: new Date('2024-05-01T11:00:00Z') },
      { keyId: 'other', at, latestTokenExpiry: null },
    ]);
  });

  it('ignores an invalid date rather than failing the signature', () => {
    const counter = new SignatureCounter();
    counter.record('k', new Date(Number.NaN));
    expect(counter.drain()).toEqual({ counts: [], lastSignedAt: [] });
  });
});
