import Link from 'next/link';
import { keyPageHref } from '../../../../../../lib/key-page-href';
import type { SignatureRange } from '../../../../../../lib/signature-series';
import type { EventsPage } from './load';
import styles from './key.module.css';
import { When } from './when';

export interface EventsSectionProps {
  readonly keySet: string;
  readonly kid: string;
  readonly range: SignatureRange;
  readonly eventsToken: string;
  readonly page: EventsPage;
  readonly now: Date;
}

/** The audit events naming this key, newest first, a page at a time (the page token in the URL). */
export function EventsSection({ keySet, kid, range, eventsToken, page, now }: EventsSectionProps) {
  return (
    <section aria-labelledby="events">
      <h2 id="events">Events</h2>
      {page.refused && (
        <p className="error" data-testid="events-refused">
          That page of events can no longer be shown; here are the newest events.
        </p>
      )}
      {page.events.length === 0 ? (
        <p className="muted">No events name this key.</p>
      ) : (
        <div className={styles.tableWrap}>
          <table data-testid="events">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">Actor</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((event) => (
                <tr key={event.id} data-testid="event">
                  <td>
                    <When at={event.createdAt} now={now} />
                  </td>
                  <th scope="row" data-testid="event-type">
                    {event.type}
                  </th>
                  <td>{event.actor}</td>
                  <td>{event.outcome}</td>
                  <td>{event.reason === '' ? <span className="muted">—</span> : event.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Event pages" className={styles.pager}>
        {eventsToken !== '' && !page.refused && <Link href={keyPageHref(keySet, kid, { range })}>Newest events</Link>}
        {page.nextPageToken !== '' && (
          <Link href={keyPageHref(keySet, kid, { range, events: page.nextPageToken })} data-testid="older-events">
            Older events
          </Link>
        )}
      </nav>
    </section>
  );
}
