import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cellText, COLUMN_GAP, formatFields, formatTable, width } from './table.js';

const anyCharacter = fc.integer({ min: 0, max: 0x10ffff }).map((code) => String.fromCodePoint(code));

describe('formatTable', () => {
  it('aligns columns under their headers, without trailing padding', () => {
    const text = formatTable(
      ['NAME', 'ALG', 'CREATED'],
      [
        ['payments', 'ES256', new Date('2025-01-02T03:04:05Z')],
        ['a', 'EdDSA', undefined],
      ],
    );
    expect(text).toBe(
      ['NAME      ALG    CREATED', 'payments  ES256  2025-01-02T03:04:05.000Z', 'a         EdDSA  -', ''].join('\n'),
    );
  });

  it('shows missing values as "-", booleans as yes/no, dates as ISO 8601', () => {
    expect(cellText(undefined)).toBe('-');
    expect(cellText(null)).toBe('-');
    expect(cellText('')).toBe('-');
    expect(cellText(true)).toBe('yes');
    expect(cellText(0)).toBe('0');
    expect(cellText(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  it('keeps each row on one line and escapes control characters (no terminal escapes from the service)', () => {
    const text = formatTable(['REASON', 'X'], [['line one\nline two\t\u001b[31mred', 'x']]);
    expect(text.split('\n')).toHaveLength(3);
    expect(text).toContain('line one\\nline two\\t\\u001b[31mred');
    expect(text).not.toContain('\u001b');
  });

  it('property: every column starts at the same place on every line', () => {
    const cell = fc.oneof(
      fc.string({ unit: anyCharacter, maxLength: 12 }),
      fc.constant(undefined),
      fc.date({ noInvalidDate: true }),
    );
    const shape = fc
      .integer({ min: 1, max: 5 })
      .chain((columns) =>
        fc.tuple(
          fc.array(fc.stringMatching(/^[A-Z][A-Z ]{0,8}$/), { minLength: columns, maxLength: columns }),
          fc.array(fc.array(cell, { minLength: columns, maxLength: columns }), { maxLength: 6 }),
        ),
      );
    fc.assert(
      fc.property(shape, ([headers, rows]) => {
        const lines = formatTable(headers, rows).split('\n');
        expect(lines.pop()).toBe('');
        expect(lines).toHaveLength(rows.length + 1);
        const texts = [headers, ...rows.map((row) => row.map(cellText))];
        const widths = headers.map((_, i) => Math.max(...texts.map((line) => width(line[i] ?? ''))));
        lines.forEach((line, l) => {
          const chars = [...line];
          let start = 0;
          headers.forEach((_, i) => {
            const expected = texts[l]![i]!;
            expect(chars.slice(start, start + width(expected)).join('')).toBe(expected);
            start += widths[i]! + COLUMN_GAP.length;
          });
          expect(chars).toHaveLength(
            start - widths[widths.length - 1]! - COLUMN_GAP.length + width(texts[l]![headers.length - 1]!),
          );
        });
      }),
    );
  });
});

describe('formatFields', () => {
  it('aligns values after their labels', () => {
    expect(
      formatFields([
        ['name', 'payments'],
        ['active kid', 'abc'],
        ['expires', undefined],
      ]),
    ).toBe(['name        payments', 'active kid  abc', 'expires     -', ''].join('\n'));
  });
});
