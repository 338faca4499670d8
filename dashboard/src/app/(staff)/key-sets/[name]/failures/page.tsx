// Screen 4, verification failures of one key set: the failures over time stacked by reason, kid or
// reporting client, against the key set's lifecycle events; the diagnosis of each failing kid;
// and the drill-down into one step. Range, grouping and step all come from the URL.
import { status } from '@grpc/grpc-js';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { failureSearch, failuresHref, parseFailureQuery, type SearchParams } from '../../../../../lib/failure-range';
import { stackedSeries } from '../../../../../lib/failure-series';
import { diagnosis, stepBreakdown, verificationStats } from '../../../../../lib/failures';
import { isGrpcError } from '../../../../../lib/keyward-client';
import { DiagnosisCards } from './diagnosis-cards';
import { DrillDown } from './drill-down';
import { FailureChart } from './failure-chart';
import styles from './failures.module.css';
import { RangeControls } from './range-controls';
import { StepTable } from './step-table';

const GROUP_WORDS = { reason: 'reason', kid: 'kid', client: 'reporting client' } as const;

async function read<T>(promise: Promise<T>): Promise<{ value: T } | { refused: string }> {
  try {
    return { value: await promise };
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) notFound();
    if (isGrpcError(error, status.INVALID_ARGUMENT) || isGrpcError(error, status.PERMISSION_DENIED)) {
      return { refused: error.details };
    }
    throw error;
  }
}

export default async function FailuresPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { name } = await params;
  const query = parseFailureQuery(await searchParams, new Date());
  const { from, to, stepSeconds, group, at } = query;
  const range = { keySet: name, from, to, stepSeconds };
  const [stats, diagnosed, breakdown] = await Promise.all([
    read(verificationStats(range, group)),
    read(diagnosis(name, from, to)),
    at === undefined ? undefined : read(stepBreakdown(name, at, stepSeconds)),
  ]);

  const data = 'value' in stats ? stackedSeries(stats.value, from, to, stepSeconds) : undefined;
  const total = data?.totals.reduce((sum, value) => sum + value, 0) ?? 0;
  const withoutAt = { ...query, at: undefined };
  const keySetHref = `/key-sets/${encodeURIComponent(name)}`;
  return (
    <main>
      <p>
        <Link href={keySetHref}>← {name}</Link>
      </p>
      <h1>Verification failures of {name}</h1>
      <p className="muted">
        {query.preset === undefined ? 'From' : `The last ${query.preset}, from`}{' '}
        <time dateTime={from.toISOString()}>{from.toISOString()}</time> to{' '}
        <time dateTime={to.toISOString()}>{to.toISOString()}</time>, in steps of {stepSeconds / 60} minutes, split by{' '}
        {GROUP_WORDS[group]}.
      </p>
      {query.problems.length === 0 ? null : (
        <ul className={styles.problems} data-testid="query-problems">
          {query.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      )}
      <RangeControls keySet={name} query={query} />

      {'refused' in stats || data === undefined ? (
        <p className="error" data-testid="stats-refused">
          The failures could not be read: {'refused' in stats ? stats.refused : ''}
        </p>
      ) : (
        <>
          <FailureChart
            label={
              `Verification failures of ${name} per ${stepSeconds / 60} minutes, stacked by ${GROUP_WORDS[group]}, ` +
              `${total} in all, with ${data.markers.length} lifecycle events as dashed lines. The table below lists them.`
            }
            data={data}
            from={from.getTime()}
            to={to.getTime()}
            kidNames={group === 'kid'}
            drillBase={`${keySetHref}/failures${failureSearch(withoutAt)}&`}
          />
          <h2>Lifecycle events in this range</h2>
          {data.markers.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul data-testid="lifecycle-events">
              {data.markers.map((marker) => (
                <li key={`${marker.at}/${marker.kid}/${marker.type}`}>
                  <time dateTime={new Date(marker.at).toISOString()}>{new Date(marker.at).toISOString()}</time>:{' '}
                  <code>{marker.kid}</code> {marker.type}
                </li>
              ))}
            </ul>
          )}
          <h2>Failures per step</h2>
          <StepTable
            data={data}
            kidNames={group === 'kid'}
            drillHref={(start) => `${failuresHref(name, { ...withoutAt, at: new Date(start) })}#drill-down`}
          />
          {'value' in stats && stats.value.unknownKidSamples.length > 0 ? (
            <p>
              Unknown kids reported (a sample):{' '}
              {stats.value.unknownKidSamples.map((kid, index) => (
                <span key={kid}>
                  {index === 0 ? '' : ', '}
                  <code>{kid}</code>
                </span>
              ))}
            </p>
          ) : null}
        </>
      )}

      {breakdown === undefined ? null : (
        <section aria-labelledby="drill-down" data-testid="drill-down">
          <h2 id="drill-down">Behind the step at {at!.toISOString()}</h2>
          {'refused' in breakdown ? (
            <p className="error">The step could not be read: {breakdown.refused}</p>
          ) : (
            <DrillDown breakdown={breakdown.value} />
          )}
          <p>
            <Link href={failuresHref(name, withoutAt)}>Close the drill-down</Link>
          </p>
        </section>
      )}

      <h2>Diagnosis of each failing kid</h2>
      {'refused' in diagnosed ? (
        <p className="error">The diagnosis could not be read: {diagnosed.refused}</p>
      ) : (
        <DiagnosisCards kids={diagnosed.value.kids} />
      )}
    </main>
  );
}
