import { keyStateName } from '../../../../../../lib/format';
import type { KeyHistory, Phase } from '../../../../../../lib/state-history';
import styles from './key.module.css';
import { When } from './when';

const PHASE_WORDS: Record<Phase, string> = { past: 'past', current: 'now', scheduled: 'scheduled' };
const PHASE_CLASS: Record<Phase, string | undefined> = {
  past: undefined,
  current: styles.current,
  scheduled: styles.scheduled,
};

/** Every state the key has been in, is in, and is scheduled to be in (by the key set's policy). */
export function StateHistorySection({ history, now }: { history: KeyHistory; now: Date }) {
  return (
    <section aria-labelledby="history">
      <h2 id="history">State history</h2>
      <div className={styles.tableWrap}>
        <table data-testid="state-history">
          <caption className={`muted ${styles.caption}`}>
            Scheduled states follow from the policy as it stands; a rotation or revocation changes them.
          </caption>
          <thead>
            <tr>
              <th scope="col">State</th>
              <th scope="col">From</th>
              <th scope="col">Until</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {history.rows.map((row) => (
              <tr
                key={`${row.state}-${row.start.toISOString()}`}
                className={PHASE_CLASS[row.phase]}
                data-testid="interval"
              >
                <th scope="row">{keyStateName(row.state)}</th>
                <td>
                  <When at={row.start} now={now} />
                </td>
                <td>
                  {row.end === undefined ? <span className="muted">open-ended</span> : <When at={row.end} now={now} />}
                </td>
                <td data-testid="phase">{PHASE_WORDS[row.phase]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
