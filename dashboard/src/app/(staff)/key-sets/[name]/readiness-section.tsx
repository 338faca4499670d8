import Link from 'next/link';
import { durationInWords, relativeTime } from '../../../../lib/format';
import { callAsStaff } from '../../../../lib/session';
import { LaggingClients } from './lagging-clients';
import tables from './tables.module.css';

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

function At({ at, now }: { at: Date | undefined; now: Date }) {
  if (at === undefined) return <span className="muted">—</span>;
  return (
    <time dateTime={at.toISOString()} title={at.toISOString()}>
      {relativeTime(at, now)} ({at.toISOString()})
    </time>
  );
}

/** How far the pending key has spread among the clients that fetch the JWKS, and who lacks it. */
export async function ReadinessSection({ keySet, now }: { keySet: string; now: Date }) {
  const readiness = await callAsStaff('getRotationReadiness', { keySet });
  const keyPage = (kid: string) => `/key-sets/${encodeURIComponent(keySet)}/keys/${encodeURIComponent(kid)}`;
  return (
    <section aria-labelledby="readiness-heading" data-testid="readiness">
      <h2 id="readiness-heading">Rotation readiness</h2>
      {readiness.pendingKid === '' ? (
        <p className="muted">No key is pending: nothing waits for clients.</p>
      ) : (
        <>
          <div className={tables.scrollX}>
            <table>
              <tbody>
                <tr>
                  <th scope="row">Pending key</th>
                  <td>
                    <Link href={keyPage(readiness.pendingKid)}>
                      <code data-testid="pending-kid">{readiness.pendingKid}</code>
                    </Link>
                  </td>
                </tr>
                <tr>
                  <th scope="row">Clients holding it</th>
                  <td data-testid="share">
                    {readiness.clientsWithPendingKey} of {readiness.clientsSeen} seen in the last{' '}
                    {durationInWords(readiness.window)} ({percent(readiness.share)})
                    {readiness.minShare > 0 ? `; the policy holds activation until ${percent(readiness.minShare)}` : ''}
                  </td>
                </tr>
                <tr>
                  <th scope="row">May activate</th>
                  <td>
                    <At at={readiness.eligibleAt} now={now} />
                  </td>
                </tr>
                <tr>
                  <th scope="row">Activates at the latest</th>
                  <td>
                    {readiness.deadline === undefined ? (
                      <span className="muted">no hold: when it may</span>
                    ) : (
                      <At at={readiness.deadline} now={now} />
                    )}
                  </td>
                </tr>
              </tbody>
            </table>
          </div>
          <LaggingClients
            clients={readiness.clientsWithoutPendingKey}
            more={readiness.moreClientsWithoutPendingKey}
            now={now}
            keyPage={keyPage}
          />
        </>
      )}
    </section>
  );
}
