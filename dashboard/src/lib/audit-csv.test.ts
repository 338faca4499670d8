import type { Event } from '@keyward/proto/keyward/v1';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AUDIT_CSV_HEADER,
  auditCsvStream,
  cappedLine,
  csvRecords,
  eventCells,
  neutralised,
  type EventPage,
} from './audit-csv.js';

const parseCsv = (text: string): string[][] => parse(text, { relax_column_count: true }) satisfies string[][];

// Cells that test quoting and formula neutralising hardest, mixed with anything at all.
const cell = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 8 }),
  fc
    .tuple(
      fc.constantFrom('=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ' ', "'", '＝', '＋', '－', '＠'),
      fc.string({ maxLength: 6 }),
    )
    .map(([first, rest]) => first + rest),
  fc.constantFrom('=HYPERLINK("http://evil.example","x")', '@SUM(1+1)*cmd|" /C calc"!A0', '-2+3', '""', '', '\r\n'),
);

describe('csvRecords', () => {
  it('parses back to every row, cell for cell, formula-looking cells prefixed with a quote', () => {
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }), (rows) => {
        const text = csvRecords(rows);
        expect(text.endsWith('\r\n')).toBe(true);
        expect(parseCsv(text)).toEqual(rows.map((row) => row.map(neutralised)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('never lets a cell start a formula', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 6 }), (row) => {
        for (const parsed of parseCsv(csvRecords([row]))[0]!) expect(parsed).not.toMatch(/^[=+\-@\t\r＝＋－＠]/);
      }),
    );
  });
});

function event(id: number): Event {
  return {
    id: String(id),
    keySet: 'payments',
    kid: `kid-${id}`,
    type: 'key.revoked',
    outcome: 'applied',
    actor: 'user:sam',
    reason: id % 2 === 0 ? '=cmd, "quoted"\nnext line' : '',
    beforeJson: '{"state":"active"}',
    afterJson: '{"state":"revoked"}',
    createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, id)),
  };
}

/** Pages of `size` events out of `total`, chained by their tokens. */
function pages(total: number, size: number): { first: EventPage; next: (token: string) => Promise<EventPage> } {
  const at = (start: number): EventPage => {
    const events = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, index) =>
      event(start + index),
    );
    return { events, nextPageToken: start + size < total ? String(start + size) : '' };
  };
  return { first: at(0), next: (token) => Promise.resolve(at(Number(token))) };
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

describe('auditCsvStream', () => {
  it('writes the header, then every event of every page in order', async () => {
    const { first, next } = pages(7, 3);
    const rows = parseCsv(await text(auditCsvStream(first, next)));
    expect(rows[0]).toEqual([...AUDIT_CSV_HEADER]);
    expect(rows.slice(1)).toEqual(Array.from({ length: 7 }, (_, index) => eventCells(event(index)).map(neutralised)));
  });

  it('writes the header alone when nothing matches', async () => {
    const { first, next } = pages(0, 3);
    expect(parseCsv(await text(auditCsvStream(first, next)))).toEqual([[...AUDIT_CSV_HEADER]]);
  });

  it('stops at the cap, and says so in its last line', async () => {
    const { first, next } = pages(10, 3);
    const rows = parseCsv(await text(auditCsvStream(first, next, 5)));
    expect(rows).toHaveLength(1 + 5 + 1);
    expect(rows.at(-2)![0]).toBe('4');
    expect(rows.at(-1)).toEqual([cappedLine(5)]);
  });

  it('says nothing of a cap that nothing reached beyond', async () => {
    const { first, next } = pages(6, 3);
    const rows = parseCsv(await text(auditCsvStream(first, next, 6)));
    expect(rows).toHaveLength(1 + 6);
  });

  it('fails the download when a later page fails, rather than end it as if complete', async () => {
    const { first } = pages(6, 3);
    await expect(text(auditCsvStream(first, () => Promise.reject(new Error('Keyward went away'))))).rejects.toThrow();
  });
});
