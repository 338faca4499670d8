import type { GetKeyTimelineResponse } from '@keyward/proto/keyward/v1';
import Link from 'next/link';
import { keyStateName } from '../../../../lib/format';
import styles from './timeline.module.css';

const when = (at: Date | undefined, open: string) =>
  at === undefined ? (
    <span className="muted">{open}</span>
  ) : (
    <time dateTime={at.toISOString()}>{at.toISOString()}</time>
  );

/** The timeline's text alternative: every interval GetKeyTimeline returned, newest key first. */
export function IntervalTable({ keySet, timeline }: { keySet: string; timeline: GetKeyTimelineResponse }) {
  const keys = [...timeline.keys].reverse();
  const count = keys.reduce((sum, key) => sum + key.intervals.length, 0);
  return (
    <details className={styles.intervals}>
      <summary>Timeline as a table ({count} intervals)</summary>
      <div className={styles.tableScroll}>
        <table data-testid="intervals">
          <caption className="muted">
            Each key&apos;s state intervals; scheduled ones are what the policy plans.
          </caption>
          <thead>
            <tr>
              <th scope="col">Kid</th>
              <th scope="col">State</th>
              <th scope="col">Start</th>
              <th scope="col">End</th>
              <th scope="col">Scheduled</th>
            </tr>
          </thead>
          <tbody>
            {keys.flatMap((key) =>
              key.intervals.map((interval, index) => (
                <tr key={`${key.kid}-${index}`}>
                  <th scope="row">
                    <Link href={`/key-sets/${encodeURIComponent(keySet)}/keys/${encodeURIComponent(key.kid)}`}>
                      <code>{key.kid}</code>
                    </Link>
                  </th>
                  <td>{keyStateName(interval.state)}</td>
                  <td>{when(interval.start, '—')}</td>
                  <td>{when(interval.end, 'open')}</td>
                  <td>{interval.scheduled ? 'yes' : 'no'}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </details>
  );
}
