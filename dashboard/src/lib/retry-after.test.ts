import { Metadata } from '@grpc/grpc-js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryAfterMs, waitInWords } from './retry-after';

function withTrailer(value?: string) {
  const metadata = new Metadata();
  if (value !== undefined) metadata.set('retry-after-ms', value);
  return { metadata };
}

describe('the wait Keyward asks for', () => {
  it('reads the retry-after-ms trailer, and nothing that is not a whole number of milliseconds', () => {
    expect(retryAfterMs(withTrailer('900000'))).toBe(900_000);
    expect(retryAfterMs(withTrailer())).toBeUndefined();
    expect(retryAfterMs(withTrailer('-5'))).toBeUndefined();
    expect(retryAfterMs(withTrailer('1e3'))).toBeUndefined();
    expect(retryAfterMs(withTrailer('99999999999999999999'))).toBeUndefined();
  });

  it('says it in words, rounded up', () => {
    expect(waitInWords(900_000)).toBe('15 minutes');
    expect(waitInWords(899_001)).toBe('15 minutes');
    expect(waitInWords(61_000)).toBe('2 minutes');
    expect(waitInWords(60_000)).toBe('1 minute');
    expect(waitInWords(1_500)).toBe('2 seconds');
    expect(waitInWords(1)).toBe('1 second');
    expect(waitInWords(0)).toBe('a moment');
    expect(waitInWords(undefined)).toBe('a moment');
  });

  it('never says less than was asked', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 9 }), (ms) => {
        const [amount, unit] = waitInWords(ms).split(' ') as [string, string];
        expect(Number(amount) * (unit.startsWith('minute') ? 60_000 : 1_000)).toBeGreaterThanOrEqual(ms);
      }),
    );
  });
});
