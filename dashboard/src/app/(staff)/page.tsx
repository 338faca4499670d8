import Link from 'next/link';
import { keyStateName, relativeTime } from '../../lib/format';
import { keySetSummaries } from '../../lib/key-sets';

export default async function OverviewPage() {
  const summaries = await keySetSummaries();
  return (
    <main>
      <h1>Key sets</h1>
      {summaries.length === 0 ? (
        <p className="muted">This account may read no key set.</p>
      ) : (
        <table data-testid="key-sets">
          <thead>
            <tr>
              <th scope="col">Key set</th>
              <th scope="col">Algorithm</th>
              <th scope="col">Active kid</th>
              <th scope="col">Pending kid</th>
              <th scope="col">Next transition</th>
            </tr>
          </thead>
          <tbody>
            {summaries.map(({ keySet, pendingKid, nextTransition, now }) => (
              <tr key={keySet.name} data-testid={`key-set-${keySet.name}`}>
                <td>
                  <Link href={`/key-sets/${encodeURIComponent(keySet.name)}`}>{keySet.name}</Link>
                </td>
                <td>{keySet.algorithm}</td>
                <td>
                  <code>{keySet.activeKid || '—'}</code>
                </td>
                <td>{pendingKid === undefined ? <span className="muted">none</span> : <code>{pendingKid}</code>}</td>
                <td>
                  {nextTransition === undefined ? (
                    <span className="muted">none scheduled</span>
                  ) : (
                    <time dateTime={nextTransition.at.toISOString()} title={nextTransition.at.toISOString()}>
                      {relativeTime(nextTransition.at, now)}: <code>{nextTransition.kid.slice(0, 12)}…</code> becomes{' '}
                      {keyStateName(nextTransition.state)}
                    </time>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </main>
  );
}
