import Link from 'next/link';
import { SPIKE_RULE } from '../../lib/failure-spike';
import { keyStateName, relativeTime } from '../../lib/format';
import { keySetOverviews } from '../../lib/overview';
import {
  DESTRUCTION_SOON_SECONDS,
  ELIGIBLE_SOON_SECONDS,
  LOW_SHARE,
  UNPUBLISHED_SOON_SECONDS,
} from '../../lib/overview-warnings';
import { FailureSparkline } from './_overview/failure-sparkline';
import styles from './_overview/overview.module.css';
import { ReadinessCell } from './_overview/readiness-cell';

export default async function OverviewPage() {
  const overviews = await keySetOverviews();
  return (
    <main>
      <h1>Key sets</h1>
      {overviews.length === 0 ? (
        <p className="muted">This account may read no key set.</p>
      ) : (
        <div className={styles.scroll}>
          <table data-testid="key-sets">
            <thead>
              <tr>
                <th scope="col">Key set</th>
                <th scope="col">Algorithm</th>
                <th scope="col">Active kid</th>
                <th scope="col">Pending kid</th>
                <th scope="col">Next transition</th>
                <th scope="col">Rotation readiness</th>
                <th scope="col">Failures, 24 h</th>
                <th scope="col">Warnings</th>
              </tr>
            </thead>
            <tbody>
              {overviews.map(({ keySet, pendingKid, nextTransition, now, readiness, sparkline, warnings }) => {
                const keySetHref = `/key-sets/${encodeURIComponent(keySet.name)}`;
                const failuresHref = `${keySetHref}/failures?range=24h&group=reason`;
                return (
                  <tr key={keySet.name} data-testid={`key-set-${keySet.name}`}>
                    <td>
                      <Link href={keySetHref}>{keySet.name}</Link>
                    </td>
                    <td>{keySet.algorithm}</td>
                    <td>
                      <code>{keySet.activeKid || '—'}</code>
                    </td>
                    <td>
                      {pendingKid === undefined ? <span className="muted">none</span> : <code>{pendingKid}</code>}
                    </td>
                    <td>
                      {nextTransition === undefined ? (
                        <span className="muted">none scheduled</span>
                      ) : (
                        <time dateTime={nextTransition.at.toISOString()} title={nextTransition.at.toISOString()}>
                          {relativeTime(nextTransition.at, now)}: <code>{nextTransition.kid.slice(0, 12)}…</code>{' '}
                          becomes {keyStateName(nextTransition.state)}
                        </time>
                      )}
                    </td>
                    <td>
                      <ReadinessCell readiness={readiness} />
                    </td>
                    <td>
                      {sparkline === undefined ? (
                        <span className="muted">unavailable</span>
                      ) : (
                        <>
                          <FailureSparkline
                            label={
                              `${sparkline.total} verification failures in the last 24 hours per 15 minutes, ` +
                              `${sparkline.markers.length} lifecycle events marked` +
                              sparkline.markers.map((marker) => `; ${marker.label}`).join('')
                            }
                            stepSeconds={sparkline.stepSeconds}
                            stepStarts={sparkline.stepStarts}
                            totals={sparkline.totals}
                            markers={sparkline.markers}
                            testId={`sparkline-${keySet.name}`}
                          />
                          <Link href={failuresHref} data-testid="failures-link">
                            {sparkline.total} {sparkline.total === 1 ? 'failure' : 'failures'}
                          </Link>
                        </>
                      )}
                    </td>
                    <td>
                      {warnings.length === 0 ? (
                        <span className="muted">none</span>
                      ) : (
                        <ul className={styles.warnings} data-testid="warnings">
                          {warnings.map((warning) => (
                            <li key={warning.text} data-testid={`warning-${warning.kind}`}>
                              {warning.text}{' '}
                              <Link href={warning.kind === 'policy' ? keySetHref : failuresHref}>details</Link>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <p className={`muted ${styles.rules}`}>
        How warnings are raised: a policy is flagged when Keyward finds it unsafe under its current configuration; a
        pending key when fewer clients have it than its activation hold asks for, or, without a hold, fewer than{' '}
        {LOW_SHARE * 100}% within {ELIGIBLE_SOON_SECONDS / 3_600} hours of when it may sign; {SPIKE_RULE}; a key near
        its end when an expired key is destroyed within {DESTRUCTION_SOON_SECONDS / 86_400} days or a retired key is
        unpublished within {UNPUBLISHED_SOON_SECONDS / 60} minutes.
      </p>
    </main>
  );
}
