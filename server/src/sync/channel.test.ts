// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeChangeNotice, parseChangeNotice, type ChangeNotice } from './channel.js';

const notices: fc.Arbitrary<ChangeNotice> = fc.oneof(
  fc.string({ minLength: 1 }).map((keySet) => ({ keySet })),
  fc.constant({ tokens: true } as const),
);

function isNotice(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1) return false;
  const fields = value as Record<string, unknown>;
  return (typeof fields.keySet === 'string' && fields.keySet !== '') || fields.tokens === true;
}

describe('parseChangeNotice', () => {
  it('round-trips every notice', () => {
    fc.assert(
      fc.property(notices, (notice) => {
        expect(parseChangeNotice(encodeChangeNotice(notice))).toEqual(notice);
      }),
    );
  });

  it('never throws on arbitrary text, and gives either undefined or a well-formed notice', () => {
    // Objects that use the notice fields with any JSON value, so the property explores near misses.
    const nearMisses = fc
      .record({ keySet: fc.jsonValue(), tokens: fc.jsonValue(), other: fc.jsonValue() }, { requiredKeys: [] })
      .map((fields) => JSON.stringify(fields));
    const payloads = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.json(), nearMisses);
    fc.assert(
      fc.property(payloads, (payload) => {
        const notice = parseChangeNotice(payload);
        expect(notice === undefined || isNotice(notice)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['{"keySet":"payments"}', { keySet: 'payments' }],
    ['{"tokens":true}', { tokens: true }],
    // A newer writer may add detail to a kind this version knows.
    ['{"keySet":"payments","version":7}', { keySet: 'payments' }],
  ])('reads %s', (payload, expected) => {
    expect(parseChangeNotice(payload)).toEqual(expected);
  });

  it.each([
    '',
    'payments',
    'null',
    '[]',
    '"keySet"',
    '{}',
    '{"keySet":""}',
    '{"keySet":42}',
    '{"tokens":false}',
    '{"tokens":"true"}',
    '{"keySet":"payments","tokens":true}',
    '{"clients":true}',
    '{"__proto__":{"tokens":true}}',
    '{"keySet":"payments"',
  ])('ignores %j', (payload) => {
    expect(parseChangeNotice(payload)).toBeUndefined();
  });
});
