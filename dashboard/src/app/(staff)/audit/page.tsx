import Link from 'next/link';
import { auditQuery, auditViewFrom, timeInputValue, type AuditView } from '../../../lib/audit-filters';
import { EVENT_TYPES } from '../../../lib/event-types';
import { readableKeySets } from '../../../lib/key-sets';
import { EventsTable } from './events-table';
import { loadEvents } from './load-events';
import styles from './audit.module.css';

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** The audit trail: every filter, the page and its size live in the URL, so a link is the view. */
export default async function AuditPage({ searchParams }: { searchParams: SearchParams }) {
  const view = auditViewFrom(await searchParams);
  const [keySets, page] = await Promise.all([readableKeySets(), loadEvents(view)]);
  const filters: AuditView = { ...view, page: '' };
  return (
    <main className={styles.wide}>
      <h1>Audit log</h1>
      <FilterForm view={view} keySetNames={keySets.map((keySet) => keySet.name)} invalidField={page.problem?.field} />
      {page.problem !== undefined ? (
        <>
          <p id="filter-problem" className={styles.problem} data-testid="filter-problem">
            {page.problem.message}
          </p>
          {view.page !== '' && (
            <Link href={`/audit${auditQuery(filters)}`} prefetch={false} data-testid="first-page">
              First page
            </Link>
          )}
        </>
      ) : (
        <>
          <p className={styles.actions}>
            {/* A plain link: the export is a download, never prefetched. */}
            <a href={`/audit/export.csv${auditQuery({ ...filters, size: '' })}`} data-testid="export-csv" download>
              Export these events as CSV
            </a>
          </p>
          {page.events.length === 0 ? (
            <p className="muted" data-testid="no-events">
              No event matches these filters{view.page === '' ? '' : ' on this page'}.
            </p>
          ) : (
            <EventsTable events={page.events} />
          )}
          <nav aria-label="Pages of events" className={styles.paging}>
            {view.page !== '' && (
              <Link href={`/audit${auditQuery(filters)}`} prefetch={false} data-testid="first-page">
                First page
              </Link>
            )}
            {page.nextPageToken !== '' && (
              <Link
                href={`/audit${auditQuery({ ...filters, page: page.nextPageToken })}`}
                prefetch={false}
                data-testid="next-page"
              >
                Next page
              </Link>
            )}
          </nav>
        </>
      )}
    </main>
  );
}

/** A time bound of the filter, to the millisecond, in UTC. */
function TimeFilter({
  name,
  label,
  at,
  invalid,
}: {
  name: 'from' | 'to';
  label: string;
  /** As the URL holds it. */
  at: string;
  invalid: Record<string, unknown>;
}) {
  return (
    <label>
      {label}
      <input
        type="datetime-local"
        step="0.001"
        name={name}
        defaultValue={timeInputValue(at)}
        data-testid={`filter-${name}`}
        {...invalid}
      />
    </label>
  );
}

function FilterForm({
  view,
  keySetNames,
  invalidField,
}: {
  view: AuditView;
  keySetNames: string[];
  invalidField: string | undefined;
}) {
  // The field the server (or the form) found fault with points at the message.
  const invalid = (field: string) =>
    invalidField === field ? { 'aria-invalid': true, 'aria-describedby': 'filter-problem' } : {};
  return (
    <form action="/audit" method="get" className={styles.filters} data-testid="audit-filters">
      <label>
        Key set
        <select name="key_set" defaultValue={view.keySet} data-testid="filter-key-set" {...invalid('key_set')}>
          <option value="">Any</option>
          {/* A name typed into the URL that is not readable still shows, so the form says what is asked. */}
          {[...new Set([...keySetNames, ...(view.keySet === '' ? [] : [view.keySet])])].map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Kid
        <input name="kid" defaultValue={view.kid} spellCheck={false} data-testid="filter-kid" {...invalid('kid')} />
      </label>
      <label>
        Actor
        <input
          name="actor"
          defaultValue={view.actor}
          placeholder="user:alice"
          spellCheck={false}
          data-testid="filter-actor"
          {...invalid('actor')}
        />
      </label>
      <label>
        Type
        <select name="type" defaultValue={view.type} data-testid="filter-type" {...invalid('type')}>
          <option value="">Any</option>
          {[...new Set([...EVENT_TYPES, ...(view.type === '' ? [] : [view.type])])].map((type) => (
            <option key={type} value={type}>
              {type}
            </option>
          ))}
        </select>
      </label>
      <TimeFilter name="from" label="From (UTC)" at={view.from} invalid={invalid('from')} />
      <TimeFilter name="to" label="To (UTC)" at={view.to} invalid={invalid('to')} />
      <label>
        Per page
        <input
          type="number"
          name="size"
          min={1}
          max={500}
          defaultValue={view.size}
          placeholder="50"
          className={styles.size}
          data-testid="filter-size"
          {...invalid('size')}
        />
      </label>
      <div className={styles.buttons}>
        <button type="submit" data-testid="apply-filters">
          Apply
        </button>
        <Link href="/audit" prefetch={false}>
          Clear
        </Link>
      </div>
    </form>
  );
}
