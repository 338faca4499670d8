import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  auditQuery,
  auditViewFrom,
  eventPermalink,
  fieldOfProblem,
  listEventsRequest,
  pageSizeOf,
  parseUtcTime,
  timeInputValue,
  utcInputValue,
  type AuditView,
} from './audit-filters.js';

const EMPTY: AuditView = { keySet: '', kid: '', actor: '', type: '', from: '', to: '', size: '', page: '' };

describe('the audit view in the URL', () => {
  it('comes back from its own query string unchanged', () => {
    const value = fc.string({ maxLength: 20 }).map((text) => text.trim());
    const view = fc.record({
      keySet: value,
      kid: value,
      actor: value,
      type: value,
      from: value,
      to: value,
      size: value,
      page: value,
    });
    fc.assert(
      fc.property(view, (original) => {
        expect(auditViewFrom(new URLSearchParams(auditQuery(original)))).toEqual(original);
      }),
    );
  });

  it('reads what Next hands a page (arrays for repeated params: the first wins)', () => {
    expect(auditViewFrom({ key_set: ['a', 'b'], actor: ' user:sam ', size: undefined })).toEqual({
      ...EMPTY,
      keySet: 'a',
      actor: 'user:sam',
    });
  });

  it('leaves empty filters out of the link', () => {
    expect(auditQuery({ ...EMPTY })).toBe('');
    expect(auditQuery({ ...EMPTY, type: 'key.activated', actor: 'user:a b' })).toBe(
      '?actor=user%3Aa+b&type=key.activated',
    );
  });
});

describe('times', () => {
  it('reads a time without a zone as UTC, and one with a zone as it says', () => {
    expect(parseUtcTime('2026-01-31T13:45')).toEqual(new Date('2026-01-31T13:45:00Z'));
    expect(parseUtcTime('2026-01-31T13:45:10.250')).toEqual(new Date('2026-01-31T13:45:10.250Z'));
    expect(parseUtcTime('2026-01-31T13:45:00+02:00')).toEqual(new Date('2026-01-31T11:45:00Z'));
    expect(parseUtcTime('')).toBeUndefined();
    for (const bad of ['yesterday', '2026-13-45T99:99', '2026-01-31', '1e9']) expect(parseUtcTime(bad)).toBeNull();
  });

  it('writes a time the way the form reads it back', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1970-01-01Z'), max: new Date('9999-12-31Z'), noInvalidDate: true }),
        (at) => {
          expect(parseUtcTime(utcInputValue(at))).toEqual(at);
        },
      ),
    );
    expect(timeInputValue('2026-01-31T13:45:00Z')).toBe('2026-01-31T13:45:00');
    expect(timeInputValue('not a time')).toBe('not a time');
  });
});

describe('the ListEvents request', () => {
  it('carries the filters that are set and leaves the others unset', () => {
    expect(listEventsRequest({ ...EMPTY, keySet: 'payments', type: 'key.activated' }, 2)).toEqual({
      keySet: 'payments',
      kid: '',
      pageSize: 2,
      pageToken: '',
      type: 'key.activated',
    });
    expect(
      listEventsRequest({ ...EMPTY, actor: 'user:sam', from: '2026-01-01T00:00', to: '2026-02-01T00:00' }, 50, 't'),
    ).toEqual({
      keySet: '',
      kid: '',
      pageSize: 50,
      pageToken: 't',
      actor: 'user:sam',
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-02-01T00:00:00Z'),
    });
  });

  it('names the filter it cannot read, as the server would', () => {
    expect(listEventsRequest({ ...EMPTY, from: 'last week' }, 50)).toMatchObject({ field: 'from' });
    expect(listEventsRequest({ ...EMPTY, to: '31/01/2026' }, 50)).toMatchObject({ field: 'to' });
    expect(pageSizeOf('')).toBe(50);
    expect(pageSizeOf('2')).toBe(2);
    for (const bad of ['0', '501', '-1', '1.5', 'ten']) expect(pageSizeOf(bad)).toMatchObject({ field: 'size' });
  });

  it('finds the field a server INVALID_ARGUMENT names', () => {
    expect(fieldOfProblem('key_set: must be a key set name')).toBe('key_set');
    expect(fieldOfProblem('to: must be after from')).toBe('to');
    expect(fieldOfProblem('grants[0].scopes: must name a scope')).toBe('grants');
    expect(fieldOfProblem('something went wrong')).toBeUndefined();
  });
});

describe('an event permalink', () => {
  it("narrows the view to the event's own millisecond, type, actor and key set, anchored at its row", () => {
    const at = new Date('2026-03-04T05:06:07.089Z');
    const link = eventPermalink({
      id: '42',
      keySet: 'payments',
      type: 'key.revoked',
      actor: 'user:sam',
      createdAt: at,
    });
    const url = new URL(link, 'http://dashboard.invalid');
    expect(url.pathname).toBe('/audit');
    expect(url.hash).toBe('#event-42');
    const request = listEventsRequest(auditViewFrom(url.searchParams), 50);
    expect(request).toMatchObject({ keySet: 'payments', type: 'key.revoked', actor: 'user:sam' });
    expect(request).toMatchObject({ from: at, to: new Date(at.getTime() + 1) });
  });
});
