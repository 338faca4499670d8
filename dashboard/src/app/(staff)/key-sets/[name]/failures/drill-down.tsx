// The kids and reporting clients behind one step of the chart (?at=…): a deep link of its own.
import type { StepBreakdown } from '../../../../../lib/failures';
import styles from './failures.module.css';

function Counts({ title, rows, testId }: { title: string; rows: StepBreakdown['kids']; testId: string }) {
  return (
    <table data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">{title}</th>
          <th scope="col" className={styles.numeric}>
            Failures
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 ? (
          <tr>
            <td colSpan={2} className="muted">
              none
            </td>
          </tr>
        ) : (
          rows.map(({ key, count }) => (
            <tr key={key}>
              <td>
                <code>{key === '' ? '(none)' : key}</code>
              </td>
              <td className={styles.numeric}>{count}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
}

export function DrillDown({ breakdown }: { breakdown: StepBreakdown }) {
  return (
    <>
      <p>
        From <time dateTime={breakdown.from.toISOString()}>{breakdown.from.toISOString()}</time> to{' '}
        <time dateTime={breakdown.to.toISOString()}>{breakdown.to.toISOString()}</time>.
      </p>
      <div className={styles.drill}>
        <Counts title="Kid" rows={breakdown.kids} testId="drill-kids" />
        <Counts title="Reporting client" rows={breakdown.clients} testId="drill-clients" />
      </div>
    </>
  );
}
