// DiagnoseVerificationFailures over the screen's range: one card per failing kid, in the API's
// order (most failures first), with the API's own explanation and advice.
import { KeyState, type KidDiagnosis } from '@keyward/proto/keyward/v1';
import { durationInWords, keyStateName } from '../../../../../lib/format';
import { kindInWords, reasonName } from '../../../../../lib/failure-words';
import styles from './failures.module.css';

function kidTitle(kid: string): string {
  if (kid === '') return '(no kid)';
  return kid;
}

function Card({ diagnosis }: { diagnosis: KidDiagnosis }) {
  const { suggestion, activationGap: gap } = diagnosis;
  return (
    <li className={styles.card} data-testid={`diagnosis-${diagnosis.kid}`}>
      <h3>
        <code>{kidTitle(diagnosis.kid)}</code>
      </h3>
      <dl>
        <dt>Failures</dt>
        <dd data-testid="failures">{diagnosis.failures}</dd>
        <dt>Kind</dt>
        <dd>
          {kindInWords(diagnosis.kind)}
          {diagnosis.otherKeySet === '' ? null : (
            <>
              {' '}
              (<code>{diagnosis.otherKeySet}</code>)
            </>
          )}
        </dd>
        {diagnosis.keyState === KeyState.KEY_STATE_UNSPECIFIED ? null : (
          <>
            <dt>Key state</dt>
            <dd>{keyStateName(diagnosis.keyState)}</dd>
          </>
        )}
        {diagnosis.reasons.length === 0 ? null : (
          <>
            <dt>Reasons</dt>
            <dd>{diagnosis.reasons.map(({ reason, count }) => `${reasonName(reason)} × ${count}`).join(', ')}</dd>
          </>
        )}
        {diagnosis.reportingClients.length === 0 ? null : (
          <>
            <dt>Reported by</dt>
            <dd>{diagnosis.reportingClients.join(', ')}</dd>
          </>
        )}
      </dl>
      <p data-testid="explanation">{diagnosis.explanation}</p>
      {diagnosis.advice === '' ? null : (
        <p className={styles.advice} data-testid="advice">
          {diagnosis.advice}
        </p>
      )}
      {suggestion === undefined ? null : (
        <p data-testid="suggestion">
          Policy suggestion: <code>{suggestion.field}</code> from {durationInWords(suggestion.current)} to{' '}
          {durationInWords(suggestion.suggested)}.
        </p>
      )}
      {gap === undefined ? null : (
        <p data-testid="activation-gap">
          Activation gap: activated {gap.activatedAt?.toISOString() ?? '—'}; of the {gap.clientsSeen} JWKS clients seen
          in the last 24 hours, {gap.clientsWithoutKey} were last served a JWKS without this key. Pre-publish period{' '}
          {durationInWords(gap.prePublishPeriod)}, JWKS max-age {gap.jwksMaxAgeSeconds} s.
        </p>
      )}
    </li>
  );
}

export function DiagnosisCards({ kids }: { kids: readonly KidDiagnosis[] }) {
  if (kids.length === 0) return <p className="muted">No failing kid in this range.</p>;
  return (
    <ul className={styles.cards} data-testid="diagnoses">
      {kids.map((diagnosis) => (
        <Card key={`${diagnosis.kid}/${diagnosis.kind}`} diagnosis={diagnosis} />
      ))}
    </ul>
  );
}
