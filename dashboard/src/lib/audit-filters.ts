// The audit log's filters as the URL holds them: the page, its GET form, the CSV export and every
// permalink read and write the same search params, so a link is the whole view.
import type { ListEventsRequest } from '@keyward/proto/keyward/v1';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The filters exactly as typed (trimmed): what the form shows again. */
export interface AuditFilters {
  readonly keySet: string;
  readonly kid: string;
  readonly actor: string;
  readonly type: string;
  /** UTC, as an <input type="datetime-local"> writes it, or any ISO 8601 time with a zone. */
  readonly from: string;
  readonly to: string;
}

export interface AuditView extends AuditFilters {
  /** Events per page, as typed; empty for the default. */
  readonly size: string;
  /** A ListEvents next_page_token; empty for the first page. */
  readonly page: string;
}

/** The search param of each field. */
const PARAMS: Readonly<Record<keyof AuditView, string>> = {
  keySet: 'key_set',
  kid: 'kid',
  actor: 'actor',
  type: 'type',
  from: 'from',
  to: 'to',
  size: 'size',
  page: 'page',
};

type SearchParams = URLSearchParams | Readonly<Record<string, string | string[] | undefined>>;

function read(params: SearchParams, name: string): string {
  const value = params instanceof URLSearchParams ? params.get(name) : params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return (first ?? '').trim();
}

export function auditViewFrom(params: SearchParams): AuditView {
  const entries = Object.entries(PARAMS).map(([field, name]) => [field, read(params, name)] as const);
  return Object.fromEntries(entries) as Record<keyof AuditView, string>;
}

/** `view` as search params, leaving out what is empty; "" when nothing is set. */
export function auditQuery(view: Partial<AuditView>): string {
  const params = new URLSearchParams();
  for (const [field, name] of Object.entries(PARAMS)) {
    const value = view[field as keyof AuditView];
    if (value !== undefined && value !== '') params.set(name, value);
  }
  const query = params.toString();
  return query === '' ? '' : `?${query}`;
}

/** A problem with one filter, worded like the server's INVALID_ARGUMENT ("field: problem"). */
export interface FilterProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * A time as the form or a permalink writes it. Without a zone it is UTC (the form says so);
 * undefined when empty, null when it is no time at all.
 */
export function parseUtcTime(raw: string): Date | undefined | null {
  if (raw === '') return undefined;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i.exec(raw);
  if (iso === null) return null;
  const at = new Date(iso[3] === undefined ? `${raw}Z` : raw);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** `at` as an <input type="datetime-local"> shows it, in UTC: seconds always, milliseconds when any. */
export function utcInputValue(at: Date): string {
  const iso = at.toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
}

/** The form's value for a time filter: normalised when it is a time, else as typed (to be fixed). */
export function timeInputValue(raw: string): string {
  const at = parseUtcTime(raw);
  return at instanceof Date ? utcInputValue(at) : raw;
}

/** The events per page `size` asks for, or a problem. */
export function pageSizeOf(size: string): number | FilterProblem {
  if (size === '') return DEFAULT_PAGE_SIZE;
  const count = /^\d{1,4}$/.test(size) ? Number(size) : NaN;
  if (!(count >= 1 && count <= MAX_PAGE_SIZE)) {
    return { field: 'size', message: `size: must be a whole number from 1 to ${MAX_PAGE_SIZE}` };
  }
  return count;
}

/**
 * The ListEvents request for `filters` (the first page, `pageSize` events), or the first problem
 * found here. Everything else (names, kids, actors, types, the range) the server checks, and
 * its INVALID_ARGUMENT is shown the same way.
 */
export function listEventsRequest(
  filters: AuditFilters,
  pageSize: number,
  pageToken = '',
): ListEventsRequest | FilterProblem {
  const from = parseUtcTime(filters.from);
  if (from === null) return { field: 'from', message: 'from: must be a date and time, e.g. 2026-01-31T13:45' };
  const to = parseUtcTime(filters.to);
  if (to === null) return { field: 'to', message: 'to: must be a date and time, e.g. 2026-01-31T13:45' };
  return {
    keySet: filters.keySet,
    kid: filters.kid,
    pageSize,
    pageToken,
    ...(filters.actor === '' ? {} : { actor: filters.actor }),
    ...(filters.type === '' ? {} : { type: filters.type }),
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
  };
}

export function isFilterProblem(value: unknown): value is FilterProblem {
  return typeof value === 'object' && value !== null && 'field' in value && 'message' in value;
}

/** The field a server INVALID_ARGUMENT message names ("key_set: must be …"), if it names one. */
export function fieldOfProblem(details: string): string | undefined {
  return /^([a-z_]+)(\[\d+\])?(\.[a-z_]+)*:/.exec(details)?.[1];
}

export interface EventForLink {
  readonly id: string;
  readonly keySet: string;
  readonly type: string;
  readonly actor: string;
  readonly createdAt?: Date | undefined;
}

/**
 * A link that keeps finding one event: its type, actor and key set, and the one millisecond it
 * was recorded in (from inclusive, to exclusive), anchored at its row. New events never push it
 * to another page, and a staff member who may read only that key set can open it too.
 */
export function eventPermalink(event: EventForLink): string {
  const at = event.createdAt;
  const query = auditQuery({
    keySet: event.keySet,
    type: event.type,
    actor: event.actor,
    ...(at === undefined ? {} : { from: utcInputValue(at), to: utcInputValue(new Date(at.getTime() + 1)) }),
  });
  return `/audit${query}#event-${event.id}`;
}
