import Link from 'next/link';
import { RANGE_NAMES, type RangeName } from '../../../../lib/timeline';
import styles from './timeline.module.css';

/** The zoom presets as links (`?range=week`): server-rendered, shareable, keyboard-usable. */
export function RangePresets({ keySet, range }: { keySet: string; range: RangeName }) {
  return (
    <nav aria-label="Timeline range">
      <ul className={styles.presets}>
        {RANGE_NAMES.map((name) => (
          <li key={name}>
            <Link
              href={`/key-sets/${encodeURIComponent(keySet)}?range=${name}`}
              aria-current={name === range ? 'page' : undefined}
              data-testid={`range-${name}`}
              scroll={false}
            >
              {name}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
