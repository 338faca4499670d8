// The audit log as CSV (RFC 4180: CRLF records, quotes doubled, a field quoted when it must be).
// Cells a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return,
// or their full-width forms) are prefixed with ' — an actor, a reason or a JSON value is anyone's
// text, and opening an export must not run it.
import type { Event } from '@keyward/proto/keyward/v1';
import { stringify } from 'csv-stringify/sync';

export const AUDIT_CSV_HEADER = [
  'id',
  'time',
  'type',
  'outcome',
  'actor',
  'key_set',
  'kid',
  'reason',
  'before_json',
  'after_json',
] as const;

/** At most this many events in one export: past it the file ends with a line that says so. */
export const EXPORT_ROW_CAP = 50_000;

export function eventCells(event: Event): string[] {
  return [
    event.id,
    event.createdAt?.toISOString() ?? '',
    event.type,
    event.outcome,
    event.actor,
    event.keySet,
    event.kid,
    event.reason,
    event.beforeJson,
    event.afterJson,
  ];
}

/** Rows as CSV records, each ending in CRLF, formula-looking cells neutralised. */
export function csvRecords(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((row) => [...row]),
    // csv-stringify quotes a field holding the whole record delimiter (CRLF), not a lone CR or LF:
    // RFC 4180 wants those quoted too, or a reader splits the record there.
    { record_delimiter: 'windows', escape_formulas: true, quoted_match: /[\r\n]/ },
  );
}

/** What a cell reads as once parsed back: the prefix csvRecords adds to a formula-looking cell. */
export function neutralised(cell: string): string {
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell) ? `'${cell}` : cell;
}

export interface EventPage {
  readonly events: readonly Event[];
  readonly nextPageToken: string;
}

/**
 * The export, page by page: the header with the first page, then one chunk per page fetched on
 * demand (the client's pace sets the server's), and a last line if `cap` cut it short. The first
 * page is fetched by the caller, before the response starts, so its errors still get a status.
 */
export function auditCsvStream(
  first: EventPage,
  nextPage: (pageToken: string) => Promise<EventPage>,
  cap = EXPORT_ROW_CAP,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let page: EventPage | undefined = first;
  let written = 0;
  let header = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (page === undefined) return;
      const rows = page.events.slice(0, Math.max(0, cap - written)).map(eventCells);
      written += rows.length;
      const chunk = csvRecords(header ? [[...AUDIT_CSV_HEADER], ...rows] : rows);
      header = false;
      const more = page.nextPageToken !== '';
      if (written >= cap && (more || page.events.length > rows.length)) {
        controller.enqueue(encoder.encode(chunk + csvRecords([[cappedLine(cap)]])));
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(chunk));
      if (!more) {
        controller.close();
        return;
      }
      // An error here errors the stream: a download cut short fails, it never looks complete.
      page = await nextPage(page.nextPageToken);
    },
  });
}

export function cappedLine(cap: number): string {
  return `# capped at ${cap} events: more match these filters; narrow the time range to export the rest`;
}
