import type { GetKeyTimelineResponse } from '@keyward/proto/keyward/v1';
import { keyStateName } from '../../../../lib/format';
import styles from './timeline.module.css';

/**
 * The timeline's text alternative: every interval GetKeyTimeline returned, newest key first, one
 * row group per key. Kept lean (plain links, plain ISO times): with hundreds of keys it is the
 * largest part of the page.
 */
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
          {keys.map((key) => (
            <tbody key={key.kid}>
              {key.intervals.map((interval, index) => (
                <tr key={index}>
                  {index === 0 && (
                    <th scope="rowgroup" rowSpan={key.intervals.length}>
                      <a href={`/key-sets/${encodeURIComponent(keySet)}/keys/${encodeURIComponent(key.kid)}`}>
                        {key.kid}
                      </a>
                    </th>
                  )}
                  <td>{keyStateName(interval.state)}</td>
                  <td>{interval.start?.toISOString() ?? '—'}</td>
                  <td>{interval.end?.toISOString() ?? 'open'}</td>
                  <td>{interval.scheduled ? 'yes' : 'no'}</td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
      </div>
    </details>
  );
}
