// @vitest-environment node
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeChangeNotice, parseChangeNotice, type ChangeNotice } from './channel.js';

const times = fc.option(fc.date({ noInvalidDate: true }), { nil: undefined });
const notices: fc.Arbitrary<ChangeNotice> = fc.oneof(
  fc.tuple(fc.string({ minLength: 1 }), times).map(([keySet, at]) => (at === undefined ? { keySet } : { keySet, at })),
  times.map((at) => (at === undefined ? { tokens: true as const } : { tokens: true as const, at })),
);

function isNotice(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { at, ...kind } = value as Record<string, unknown>;
  if (at !== undefined && !(at instanceof Date && Number.isFinite(at.getTime()))) return false;
  const keys = Object.keys(kind);
  if (keys.length !== 1) return false;
  return (typeof kind.keySet === 'string' && kind.keySet !== '') || kind.tokens === true;
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
      .record(
        { keySet: fc.jsonValue(), tokens: fc.jsonValue(), at: fc.jsonValue(), other: fc.jsonValue() },
        { requiredKeys: [] },
      )
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
    ['{"keySet":"payments","at":1700000000000}', { keySet: 'payments', at: new Date(1_700_000_000_000) }],
    ['{"tokens":true,"at":1700000000000}', { tokens: true, at: new Date(1_700_000_000_000) }],
    // A writer's time that is not one still invalidates: only the time is dropped.
    ['{"keySet":"payments","at":"yesterday"}', { keySet: 'payments' }],
    ['{"keySet":"payments","at":1e300}', { keySet: 'payments' }],
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
