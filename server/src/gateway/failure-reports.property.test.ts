// decodeReport reads whatever a client sends: it either decodes or refuses naming a field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { decodeReport } from './failure-reports.js';

describe('decodeReport', () => {
  it('answers any JSON or bytes with a report or an INVALID_ARGUMENT naming a field', () => {
    const item = fc.record(
      {
        kid: fc.oneof(fc.string(), fc.integer()),
        reason: fc.string(),
        alg: fc.string(),
        count: fc.oneof(fc.integer(), fc.string()),
        window_start: fc.oneof(
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          fc.string(),
        ),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(
      fc
        .record({ key_set: fc.oneof(fc.string(), fc.constant(null)), items: fc.oneof(fc.array(item), fc.jsonValue()) })
        .map((v) => JSON.stringify(v)),
      fc.json(),
      fc.string(),
    );
    fc.assert(
      fc.property(body, (text) => {
        try {
          const report = decodeReport(Buffer.from(text));
          expect(typeof report.keySet).toBe('string');
          for (const decoded of report.items) expect(decoded.windowStart?.getTime()).not.toBeNaN();
        } catch (error) {
          expect(error).toBeInstanceOf(KeywardError);
          expect((error as KeywardError).code).toBe('INVALID_ARGUMENT');
          expect((error as KeywardError).message).toMatch(/^(body|key_set|items(\[\d+\](\.[a-z_]+)?)?): /);
        }
      }),
    );
  });
});
