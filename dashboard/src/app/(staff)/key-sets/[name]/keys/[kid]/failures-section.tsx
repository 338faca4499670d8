import type { KidDiagnosis } from '@keyward/proto/keyward/v1';
import { durationInWords } from '../../../../../../lib/format';
import { reasonName } from '../../../../../../lib/kid-failures';
import styles from './key.module.css';

/** Failed verifications relying parties (and Verify) attributed to this key, with the diagnosis. */
export function FailuresSection({
  diagnosis,
  rangeLabel,
}: {
  diagnosis: KidDiagnosis | undefined;
  rangeLabel: string;
}) {
  return (
    <section aria-labelledby="failures">
      <h2 id="failures">Verification failures</h2>
      {diagnosis === undefined || diagnosis.failures === '0' ? (
        <p data-testid="failure-summary">
          <strong data-testid="failure-count">0</strong> failed verifications reported for this key in the {rangeLabel}.
        </p>
      ) : (
        <>
          <p data-testid="failure-summary">
            <strong data-testid="failure-count">{diagnosis.failures}</strong> failed verification
            {diagnosis.failures === '1' ? '' : 's'} reported for this key in the {rangeLabel}.
          </p>
          <p data-testid="failure-explanation">{diagnosis.explanation}</p>
          {diagnosis.advice !== '' && (
            <p className={styles.advice} data-testid="failure-advice">
              {diagnosis.advice}
            </p>
          )}
          {diagnosis.suggestion !== undefined && (
            <p data-testid="failure-suggestion">
              Suggested policy: <code>{diagnosis.suggestion.field}</code> from{' '}
              {durationInWords(diagnosis.suggestion.current)} to {durationInWords(diagnosis.suggestion.suggested)}.
            </p>
          )}
          <div className={styles.tableWrap}>
            <table data-testid="failure-reasons">
              <thead>
                <tr>
                  <th scope="col">Reason</th>
                  <th scope="col">Failures</th>
                </tr>
              </thead>
              <tbody>
                {diagnosis.reasons.map((reason) => (
                  <tr key={reason.reason}>
                    <th scope="row">
                      <code>{reasonName(reason.reason)}</code>
                    </th>
                    <td>{reason.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {diagnosis.reportingClients.length > 0 && (
            <p>
              Reported by{' '}
              {diagnosis.reportingClients.map((client, index) => (
                <span key={client}>
                  {index > 0 && ', '}
                  <code>{client}</code>
                </span>
              ))}
              .
            </p>
          )}
        </>
      )}
    </section>
  );
}
