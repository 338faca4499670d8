import Link from 'next/link';
import { keyPageHref } from '../../../../../../lib/key-page-href';
import {
  SIGNATURE_RANGES,
  type SignatureRange,
  type SignatureSummary,
  type SignatureWindow,
} from '../../../../../../lib/signature-series';
import styles from './key.module.css';
import { SignatureChart } from './signature-chart';
import { When } from './when';

export interface SignatureSectionProps {
  readonly keySet: string;
  readonly kid: string;
  readonly range: SignatureRange;
  readonly eventsToken: string;
  readonly window: SignatureWindow;
  readonly signatures: SignatureSummary;
  readonly now: Date;
}

/** Signatures over the chosen range: a bar chart, and the same facts in words and as a table. */
export function SignatureSection({ keySet, kid, range, eventsToken, window, signatures, now }: SignatureSectionProps) {
  const { label } = SIGNATURE_RANGES[range];
  const minutes = window.stepSeconds / 60;
  const busy = signatures.points.filter(([, count]) => count > 0);
  return (
    <section aria-labelledby="signatures">
      <h2 id="signatures">Signatures</h2>
      <nav aria-label="Signature chart range" className={styles.ranges}>
        {(Object.keys(SIGNATURE_RANGES) as SignatureRange[]).map((option) => (
          <Link
            key={option}
            href={keyPageHref(keySet, kid, { range: option, events: eventsToken })}
            aria-current={option === range ? 'page' : undefined}
            data-testid={`range-${option}`}
          >
            {SIGNATURE_RANGES[option].label}
          </Link>
        ))}
      </nav>
      <p data-testid="signature-summary">
        <strong data-testid="signature-total">{signatures.total}</strong> signature{signatures.total === 1 ? '' : 's'}{' '}
        in the {label}
        {signatures.peak === undefined ? (
          '.'
        ) : (
          <>
            ; at most <strong data-testid="signature-peak">{signatures.peak.count}</strong> in the {minutes} minutes
            from <When at={new Date(signatures.peak.at)} now={now} />.
          </>
        )}{' '}
        <span className="muted">
          Keyward writes its counts in batches (every 10 seconds by default): the latest signatures may not show yet.
        </span>
      </p>
      <SignatureChart
        label={`Signatures by key ${kid} in the ${label}, per ${minutes} minutes`}
        points={signatures.points}
        stepSeconds={window.stepSeconds}
      />
      {busy.length > 0 && (
        <details className={styles.dataTable}>
          <summary>
            Signatures as a table ({busy.length} {busy.length === 1 ? 'step' : 'steps'} with signatures)
          </summary>
          <div className={styles.tableWrap}>
            <table data-testid="signature-table">
              <thead>
                <tr>
                  <th scope="col">{minutes} minutes from</th>
                  <th scope="col">Signatures</th>
                </tr>
              </thead>
              <tbody>
                {busy.map(([at, count]) => (
                  <tr key={at}>
                    <th scope="row">
                      <When at={new Date(at)} now={now} />
                    </th>
                    <td>{count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}
    </section>
  );
}
