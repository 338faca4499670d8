'use client';
import { useActionState, useState } from 'react';
import styles from '../../../../../components/actions/actions.module.css';
import { rotateKeySet, type RotateState } from './actions';

interface Props {
  readonly keySet: string;
  /** What each mode will do, in sentences (rotationPreflight). */
  readonly scheduled: string[];
  readonly immediate: string[];
  readonly unprepared: number;
  readonly seen: number;
}

export function RotateForm({ keySet, scheduled, immediate, unprepared, seen }: Props) {
  const [state, action, pending] = useActionState<RotateState, FormData>(rotateKeySet, {});
  const [mode, setMode] = useState<'scheduled' | 'immediate'>('scheduled');
  const [reason, setReason] = useState('');
  const [accepted, setAccepted] = useState(false);
  const consequences = mode === 'scheduled' ? scheduled : immediate;
  const ready = reason.trim() !== '' && (mode === 'scheduled' || accepted);
  return (
    <form action={action} className={styles.form} data-testid="rotate-form">
      <input type="hidden" name="key_set" value={keySet} />
      <fieldset>
        <legend>When the new key signs</legend>
        <label className={styles.choice}>
          <input
            type="radio"
            name="mode"
            value="scheduled"
            checked={mode === 'scheduled'}
            onChange={() => setMode('scheduled')}
            data-testid="mode-scheduled"
          />
          <span>
            <strong>Scheduled</strong>: publish now, sign once clients have had time to fetch it.
          </span>
        </label>
        <label className={styles.choice}>
          <input
            type="radio"
            name="mode"
            value="immediate"
            checked={mode === 'immediate'}
            onChange={() => setMode('immediate')}
            data-testid="mode-immediate"
          />
          <span>
            <strong>Immediate</strong>: sign now. For emergencies.
          </span>
        </label>
      </fieldset>
      <section aria-labelledby="consequences-title">
        <h2 id="consequences-title">What happens</h2>
        <ul
          className={`${styles.consequences} ${mode === 'immediate' ? styles.danger : ''}`}
          data-testid="consequences"
        >
          {consequences.map((sentence) => (
            <li key={sentence}>{sentence}</li>
          ))}
        </ul>
      </section>
      {mode === 'immediate' ? (
        <label className={styles.choice}>
          <input
            type="checkbox"
            checked={accepted}
            onChange={(event) => setAccepted(event.target.checked)}
            data-testid="accept-failures"
          />
          <span>
            I accept that {unprepared} of {seen} recently seen clients may fail to verify new tokens until they refresh.
          </span>
        </label>
      ) : null}
      <label>
        Reason (recorded in the audit trail)
        <textarea
          name="reason"
          required
          rows={2}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          data-testid="reason"
        />
      </label>
      {state.error === undefined ? null : (
        <p className={styles.error} role="alert" data-testid="action-error">
          {state.error}
        </p>
      )}
      <div>
        <button type="submit" disabled={pending || !ready} data-testid="rotate">
          {pending ? 'Rotating…' : mode === 'scheduled' ? 'Publish a new key' : 'Make a new key sign now'}
        </button>
      </div>
      {state.done === undefined ? null : (
        <section className={styles.result} aria-live="polite" data-testid="rotation-result">
          <h2>Rotation {state.done.outcome === 'already_pending' ? 'already under way' : 'started'}</h2>
          <dl>
            <dt>New key</dt>
            <dd>
              <code data-testid="new-kid">{state.done.newKid}</code>
            </dd>
            <dt>Mode</dt>
            <dd>{state.done.mode}</dd>
            <dt>Outcome</dt>
            <dd data-testid="outcome">{state.done.outcome}</dd>
            <dt>Previous signer</dt>
            <dd>
              <code>{state.done.previousKid || '—'}</code>
            </dd>
            <dt>Signs from</dt>
            <dd>{state.done.activatesAt ?? '—'}</dd>
          </dl>
          {state.done.warning === '' ? null : <p className={styles.error}>{state.done.warning}</p>}
        </section>
      )}
    </form>
  );
}
