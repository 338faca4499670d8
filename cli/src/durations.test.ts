import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeDuration, formatDuration, MAX_DURATION_SECONDS, parseDuration, toProtoDuration } from './durations.js';
import { UsageError } from './failure.js';

/** Any code point, control characters and lone surrogates included (faster than unit: 'binary'). */
const anyCharacter = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));

describe('parseDuration', () => {
  it('reads a whole number and one unit', () => {
    expect(parseDuration('90s', '--x')).toBe(90);
    expect(parseDuration('10m', '--x')).toBe(600);
    expect(parseDuration('2h', '--x')).toBe(7_200);
    expect(parseDuration('30d', '--x')).toBe(2_592_000);
    expect(parseDuration('0s', '--x')).toBe(0);
    expect(parseDuration(' 1d ', '--x')).toBe(86_400);
  });

  it('refuses anything else with a usage error naming the option and the accepted form', () => {
    for (const text of ['', '10', '1.5h', '-1m', '1h30m', '1w', '1 h', '1H', 'PT1H', 'h', '1e3s', '0x10s']) {
      expect(() => parseDuration(text, '--grace'), text).toThrow(UsageError);
    }
    expect(() => parseDuration('soon', '--grace')).toThrow(
      '--grace: "soon" is not a duration (a whole number followed by s, m, h or d',
    );
    expect(() => parseDuration('99999999999999d', '--ttl')).toThrow(
      '--ttl: "99999999999999d" is longer than 10,000 years',
    );
  });

  it('property: format → parse is the identity on whole seconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_DURATION_SECONDS }), (seconds) => {
        const text = formatDuration(seconds);
        expect(text).toMatch(/^\d+[smhd]$/);
        expect(parseDuration(text, '--x')).toBe(seconds);
      }),
    );
  });

  it('property: format picks the largest unit that divides exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(1, 60, 3_600, 86_400), (count, unit) => {
        const text = formatDuration(count * unit);
        const size = { s: 1, m: 60, h: 3_600, d: 86_400 }[text.slice(-1) as 's' | 'm' | 'h' | 'd'];
        expect(size).toBeGreaterThanOrEqual(unit);
      }),
    );
  });

  it('property: garbage never throws anything but a usage error', () => {
    const near = fc.stringMatching(/^[-+ ]?\d{0,17}(\.\d)?[smhdSMHDwy]{0,2} ?$/);
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: anyCharacter }), near), (text) => {
        try {
          const seconds = parseDuration(text, '--x');
          expect(Number.isSafeInteger(seconds)).toBe(true);
          expect(seconds).toBeGreaterThanOrEqual(0);
          expect(seconds).toBeLessThanOrEqual(MAX_DURATION_SECONDS);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('describeDuration', () => {
  it('shows a service Duration the way durations are typed', () => {
    expect(describeDuration(toProtoDuration(2_592_000))).toBe('30d');
    expect(describeDuration({ seconds: '90', nanos: 0 })).toBe('90s');
    expect(describeDuration({ seconds: '1', nanos: 500_000_000 })).toBe('1.5s');
    expect(describeDuration(undefined)).toBe('-');
  });
});
