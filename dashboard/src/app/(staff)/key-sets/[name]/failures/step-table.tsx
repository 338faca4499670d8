// The chart as a table: the steps with failures, one column per series, each row a link to the
// drill-down of its step (how keyboard and screen-reader users reach what a click on a bar gives).
import Link from 'next/link';
import { nonZeroSteps, shortKid, type FailureSeries } from '../../../../../lib/failure-series';
import styles from './failures.module.css';

export interface StepTableProps {
  readonly data: FailureSeries;
  readonly kidNames: boolean;
  /** The drill-down URL of the step starting at `start` (ms). */
  readonly drillHref: (start: number) => string;
}

export function StepTable({ data, kidNames, drillHref }: StepTableProps) {
  const rows = nonZeroSteps(data);
  if (rows.length === 0) return <p className="muted">No failure was reported in this range.</p>;
  return (
    <div className={styles.scroll}>
      <table data-testid="failure-table">
        <caption className="muted">
          Failures per step of {data.stepSeconds / 60} minutes, steps without failures left out.
        </caption>
        <thead>
          <tr>
            <th scope="col">Step (UTC)</th>
            {data.series.map(({ name }) => (
              <th scope="col" key={name} className={styles.numeric} data-testid="series-name" title={name}>
                {kidNames ? <code>{shortKid(name, 12)}</code> : name}
              </th>
            ))}
            <th scope="col" className={styles.numeric}>
              Total
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const iso = new Date(row.start).toISOString();
            return (
              <tr key={row.start} data-testid="failure-row">
                <th scope="row">
                  <Link href={drillHref(row.start)} aria-label={`Drill into ${iso}`}>
                    <time dateTime={iso}>{iso.replace('T', ' ').slice(0, 16)}</time>
                  </Link>
                </th>
                {row.values.map((value, index) => (
                  <td key={data.series[index]!.name} className={styles.numeric}>
                    {value}
                  </td>
                ))}
                <td className={styles.numeric} data-testid="row-total">
                  {row.total}
                </td>
              </tr>
            );
          })}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">All steps</th>
            {data.series.map(({ name, total }) => (
              <td key={name} className={styles.numeric}>
                {total}
              </td>
            ))}
            <td className={styles.numeric} data-testid="grand-total">
              {data.totals.reduce((sum, value) => sum + value, 0)}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
