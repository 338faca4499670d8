import { describe, expect, it } from 'vitest';
import { signatureRangeOf, signatureWindow, summarizeSignatures } from './signature-series';

const NOW = new Date('2030-01-01T12:07:00Z');

describe('signatureRangeOf', () => {
  it('takes the ranges it knows and falls back to 24 hours', () => {
    expect(signatureRangeOf('7d')).toBe('7d');
    expect(signatureRangeOf(['7d', '24h'])).toBe('7d');
    expect(signatureRangeOf('24h')).toBe('24h');
    expect(signatureRangeOf(undefined)).toBe('24h');
    expect(signatureRangeOf('1y')).toBe('24h');
    expect(signatureRangeOf('constructor')).toBe('24h');
  });
});

describe('signatureWindow', () => {
  it('ends at the end of the step now falls in', () => {
    expect(signatureWindow('24h', NOW)).toEqual({
      from: new Date('2029-12-31T12:15:00Z'),
      to: new Date('2030-01-01T12:15:00Z'),
      stepSeconds: 900,
    });
    const week = signatureWindow('7d', NOW);
    expect(week.to).toEqual(new Date('2030-01-01T14:00:00Z'));
    expect(week.from).toEqual(new Date('2029-12-25T14:00:00Z'));
  });

  it('puts a time on a step edge in the step it starts', () => {
    expect(signatureWindow('24h', new Date('2030-01-01T12:15:00Z')).to).toEqual(new Date('2030-01-01T12:30:00Z'));
  });
});

describe('summarizeSignatures', () => {
  const window = { from: new Date('2030-01-01T00:00:00Z'), to: new Date('2030-01-01T01:00:00Z'), stepSeconds: 900 };
  const at = (minutes: number) => new Date(window.from.getTime() + minutes * 60_000);

  it('gives every step, the total and the earliest busiest step', () => {
    const summary = summarizeSignatures(
      [
        {
          key: 'k1',
          points: [
            { start: at(0), count: '2' },
            { start: at(15), count: '7' },
            { start: at(30), count: '0' },
            { start: at(45), count: '7' },
          ],
        },
      ],
      window,
    );
    expect(summary.points).toEqual([
      [at(0).getTime(), 2],
      [at(15).getTime(), 7],
      [at(30).getTime(), 0],
      [at(45).getTime(), 7],
    ]);
    expect(summary.total).toBe(16);
    expect(summary.peak).toEqual({ at: at(15).getTime(), count: 7 });
  });

  it('gives zeros and no peak when nothing was signed', () => {
    const summary = summarizeSignatures([], window);
    expect(summary.points.map(([, count]) => count)).toEqual([0, 0, 0, 0]);
    expect(summary.total).toBe(0);
    expect(summary.peak).toBeUndefined();
  });

  it('adds up several series, and ignores points outside the window', () => {
    const summary = summarizeSignatures(
      [
        { key: 'a', points: [{ start: at(15), count: '1' }] },
        {
          key: 'b',
          points: [
            { start: at(15), count: '2' },
            { start: at(60), count: '9' },
            { start: undefined, count: '4' },
          ],
        },
      ],
      window,
    );
    expect(summary.points.map(([, count]) => count)).toEqual([0, 3, 0, 0]);
    expect(summary.total).toBe(3);
  });
});
