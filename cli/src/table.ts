// Human output: tables with aligned columns and `field  value` listings. Timestamps are ISO 8601
// (UTC); a missing value is "-". Text from the service (reasons, names) is shown on one line with
// its control characters escaped, so it can neither break the columns nor drive the terminal.

export type Cell = string | number | boolean | Date | null | undefined;

export const COLUMN_GAP = '  ';

export function cellText(cell: Cell): string {
  if (cell === null || cell === undefined || cell === '') return '-';
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? '-' : cell.toISOString();
  if (typeof cell === 'boolean') return cell ? 'yes' : 'no';
  return escapeControls(String(cell));
}

/**
 * The header row, then one line per row; every column starts at the same place on every line, and
 * no line ends in padding (the last column is not padded).
 */
export function formatTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const lines = [headers.map(escapeControls), ...rows.map((row) => headers.map((_, i) => cellText(row[i])))];
  const widths = headers.map((_, i) => Math.max(...lines.map((line) => width(line[i] ?? ''))));
  return lines.map((line) => joinPadded(line, widths)).join('\n') + '\n';
}

/** `label  value` lines, the values aligned. */
export function formatFields(fields: readonly (readonly [string, Cell])[]): string {
  if (fields.length === 0) return '';
  const labelWidth = Math.max(...fields.map(([label]) => width(label)));
  return fields.map(([label, value]) => joinPadded([label, cellText(value)], [labelWidth, 0])).join('\n') + '\n';
}

function joinPadded(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((cell, i) => (i === cells.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - width(cell))))
    .join(COLUMN_GAP);
}

/** Columns are counted in code points (no attempt at East Asian widths). */
export function width(text: string): number {
  return [...text].length;
}

function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    switch (c) {
      case '\n':
        return '\\n';
      case '\r':
        return '\\r';
      case '\t':
        return '\\t';
      default:
        return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
}
