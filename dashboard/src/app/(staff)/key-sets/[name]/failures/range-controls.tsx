// The range and grouping of the failures screen as plain links and a GET form: everything lives in
// the URL (shareable, server-rendered), and works from the keyboard without any script.
import Link from 'next/link';
import {
  GROUPINGS,
  RANGE_PRESETS,
  failuresHref,
  type FailureQuery,
  type RangePreset,
} from '../../../../../lib/failure-range';
import styles from './failures.module.css';

const GROUP_LABELS = { reason: 'Reason', kid: 'Kid', client: 'Reporting client' } as const;

export function RangeControls({ keySet, query }: { keySet: string; query: FailureQuery }) {
  const { from, to, group, preset } = query;
  return (
    <div className={styles.controls}>
      <nav aria-label="Time range" className={styles.choices} data-testid="ranges">
        <span className="muted">Last</span>
        {(Object.keys(RANGE_PRESETS) as RangePreset[]).map((choice) => (
          <Link
            key={choice}
            href={failuresHref(keySet, { preset: choice, from, to, group })}
            aria-current={choice === preset ? 'page' : undefined}
            data-testid={`range-${choice}`}
          >
            {choice}
          </Link>
        ))}
      </nav>
      <nav aria-label="Split by" className={styles.choices} data-testid="groupings">
        <span className="muted">Split by</span>
        {GROUPINGS.map((choice) => (
          <Link
            key={choice}
            href={failuresHref(keySet, { preset, from, to, group: choice })}
            aria-current={choice === group ? 'page' : undefined}
            data-testid={`group-${choice}`}
          >
            {GROUP_LABELS[choice]}
          </Link>
        ))}
      </nav>
      <form method="get" action={`/key-sets/${encodeURIComponent(keySet)}/failures`} className={styles.custom}>
        <input type="hidden" name="group" value={group} />
        <label>
          From (UTC, ISO 8601)
          <input name="from" defaultValue={from.toISOString()} data-testid="from" />
        </label>
        <label>
          To
          <input name="to" defaultValue={to.toISOString()} data-testid="to" />
        </label>
        <button type="submit">Show</button>
      </form>
    </div>
  );
}
