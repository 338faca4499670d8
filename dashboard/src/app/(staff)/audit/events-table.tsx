import Link from 'next/link';
import type { Event } from '@keyward/proto/keyward/v1';
import { auditQuery, eventPermalink } from '../../../lib/audit-filters';
import styles from './audit.module.css';

/** Events as a table; each row has its own anchor and a permalink that keeps finding it. */
export function EventsTable({ events }: { events: readonly Event[] }) {
  return (
    <div className={styles.scroll}>
      <table data-testid="events" className={styles.events}>
        <thead>
          <tr>
            <th scope="col">Time (UTC)</th>
            <th scope="col">Type</th>
            <th scope="col">Outcome</th>
            <th scope="col">Actor</th>
            <th scope="col">Key set</th>
            <th scope="col">Kid</th>
            <th scope="col">Reason</th>
            <th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <EventRow key={event.id} event={event} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function EventRow({ event }: { event: Event }) {
  const at = event.createdAt;
  return (
    <tr id={`event-${event.id}`} data-testid="event" data-event-id={event.id} className={styles.row}>
      <td>
        {/* The time is the event's permalink: a link that keeps finding this one row. */}
        <a href={eventPermalink(event)} title={`Permalink to event ${event.id}`} data-testid="event-permalink">
          {at === undefined ? (
            `event ${event.id}`
          ) : (
            <time dateTime={at.toISOString()}>
              {displayDate(at)} <span className={styles.clock}>{displayClock(at)}</span>
            </time>
          )}
        </a>
      </td>
      <td data-testid="event-type">
        <Link href={`/audit${auditQuery({ type: event.type })}`} prefetch={false}>
          {event.type}
        </Link>
      </td>
      <td data-testid="event-outcome" className={event.outcome === 'refused' ? styles.refused : undefined}>
        {event.outcome}
      </td>
      <td data-testid="event-actor" className={styles.wrapLong}>
        <Link href={`/audit${auditQuery({ actor: event.actor })}`} prefetch={false}>
          {event.actor}
        </Link>
      </td>
      <td data-testid="event-key-set">
        {event.keySet === '' ? (
          <span className="muted">—</span>
        ) : (
          <Link href={`/key-sets/${encodeURIComponent(event.keySet)}`} prefetch={false}>
            {event.keySet}
          </Link>
        )}
      </td>
      <td data-testid="event-kid">
        {event.kid === '' ? (
          <span className="muted">—</span>
        ) : (
          <Link
            href={`/audit${auditQuery({ kid: event.kid })}`}
            prefetch={false}
            title={event.kid}
            aria-label={`Events of kid ${event.kid}`}
          >
            <code className={styles.kid}>{event.kid}</code>
          </Link>
        )}
      </td>
      <td data-testid="event-reason" className={styles.reason}>
        {event.reason}
      </td>
      <td>
        {event.beforeJson === '' && event.afterJson === '' ? (
          <span className="muted">—</span>
        ) : (
          <details>
            <summary>Before / after</summary>
            <div className={styles.change}>
              <JsonBlock label="Before" json={event.beforeJson} />
              <JsonBlock label="After" json={event.afterJson} />
            </div>
          </details>
        )}
      </td>
    </tr>
  );
}

/** "2026-01-31" and "13:45:10.250": UTC, as the column heading says. */
const displayDate = (at: Date) => at.toISOString().slice(0, 10);
const displayClock = (at: Date) => at.toISOString().slice(11, 23);

function JsonBlock({ label, json }: { label: string; json: string }) {
  return (
    <figure className={styles.json}>
      <figcaption>{label}</figcaption>
      {json === '' ? <span className="muted">nothing</span> : <pre>{pretty(json)}</pre>}
    </figure>
  );
}

function pretty(json: string): string {
  try {
    return JSON.stringify(JSON.parse(json), null, 2);
  } catch {
    return json;
  }
}
