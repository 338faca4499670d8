import styles from './timeline.module.css';

const STATES = ['pending', 'active', 'retired', 'expired', 'destroyed', 'revoked'] as const;

/** What the colours and shapes of the timeline mean (the chart itself has no legend). */
export function TimelineLegend() {
  return (
    <ul className={styles.legend} aria-label="Timeline legend">
      {STATES.map((state) => (
        <li key={state}>
          <span className={`${styles.swatch} ${styles[state]}`} aria-hidden="true" />
          {state}
        </li>
      ))}
      <li>
        <span className={`${styles.swatch} ${styles.scheduled}`} aria-hidden="true" />
        scheduled (dashed)
      </li>
      <li>● rotation requested</li>
      <li>▲ activated</li>
      <li>◆ revoked</li>
      <li>│ now</li>
    </ul>
  );
}
