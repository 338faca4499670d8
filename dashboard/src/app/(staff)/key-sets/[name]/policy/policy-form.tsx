'use client';
import { startTransition, useActionState, useState, type FormEvent, type ReactNode } from 'react';
import styles from '../../../../../components/actions/actions.module.css';
import type { FieldProblem } from '../../../../../lib/action-errors';
import { DURATION_UNITS, type DurationUnit } from '../../../../../lib/durations';
import {
  ALGORITHMS,
  DURATION_FIELDS,
  RSA_MODULUS_BITS,
  isRsa,
  type PolicyFormValues,
} from '../../../../../lib/policy-fields';
import { policyAction, type PolicyState } from './actions';

/** Problems Keyward (or the form) found with one field, next to it. */
function Problems({ field, problems }: { field: string; problems: FieldProblem[] | undefined }) {
  const mine = problems?.filter((problem) => problem.field === field) ?? [];
  if (mine.length === 0) return null;
  return (
    <p className={styles.error} id={`${field}-problem`} data-testid={`problem-${field}`}>
      {mine.map((problem) => problem.message).join(' ')}
    </p>
  );
}

function DurationInput(props: {
  field: string;
  label: ReactNode;
  amount: string;
  unit: DurationUnit;
  problems: FieldProblem[] | undefined;
  problemField?: string;
}) {
  const problemField = props.problemField ?? props.field;
  const invalid = props.problems?.some((problem) => problem.field === problemField) === true;
  return (
    <div className={styles.field}>
      <label htmlFor={props.field}>{props.label}</label>
      <div className={styles.row}>
        <input
          id={props.field}
          name={props.field}
          className={styles.amount}
          inputMode="decimal"
          defaultValue={props.amount}
          aria-invalid={invalid}
          aria-describedby={invalid ? `${problemField}-problem` : undefined}
          data-testid={`amount-${props.field}`}
        />
        <select
          name={`${props.field}_unit`}
          defaultValue={props.unit}
          aria-label={`Unit of ${props.field.replaceAll('_', ' ')}`}
          data-testid={`unit-${props.field}`}
        >
          {DURATION_UNITS.map(([unit]) => (
            <option key={unit} value={unit}>
              {unit}
            </option>
          ))}
        </select>
      </div>
      {props.problemField === undefined ? <Problems field={props.field} problems={props.problems} /> : null}
    </div>
  );
}

export function PolicyForm({ keySet, values }: { keySet: string; values: PolicyFormValues }) {
  const [state, action, pending] = useActionState<PolicyState, FormData>(policyAction, {});
  // A review describes the form as it was sent: any edit after it makes it stale.
  const [edited, setEdited] = useState(false);
  const [reviewed, setReviewed] = useState(state);
  if (reviewed !== state) {
    setReviewed(state);
    setEdited(false);
  }
  const [algorithm, setAlgorithm] = useState(values.algorithm);
  const problems = state.problems;
  // Submitted by hand so that the form keeps what was typed (a form action would reset it).
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const submitter = (event.nativeEvent as SubmitEvent).submitter;
    const data = new FormData(event.currentTarget, submitter);
    startTransition(() => action(data));
  };
  const canSave = state.words !== undefined && state.saved !== true && !edited && state.problems === undefined;
  return (
    <form
      onSubmit={submit}
      onChange={(event) => {
        // The reason is not part of what was reviewed.
        if ((event.target as EventTarget & { name?: string }).name !== 'reason') setEdited(true);
      }}
      className={styles.form}
      data-testid="policy-form"
    >
      <input type="hidden" name="key_set" value={keySet} />
      <h2>Change</h2>
      <div className={styles.row}>
        <label>
          Algorithm of the next key
          <select
            name="algorithm"
            value={algorithm}
            onChange={(event) => setAlgorithm(event.target.value)}
            data-testid="algorithm"
          >
            {ALGORITHMS.map((alg) => (
              <option key={alg}>{alg}</option>
            ))}
          </select>
        </label>
        {isRsa(algorithm) ? (
          <label>
            RSA modulus
            <select name="rsa_modulus_bits" defaultValue={values.rsaModulusBits || '2048'}>
              {RSA_MODULUS_BITS.map((bits) => (
                <option key={bits} value={bits}>
                  {bits} bits
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      <Problems field="algorithm" problems={problems} />
      {DURATION_FIELDS.map(([field, key, label]) => (
        <DurationInput
          key={field}
          field={field}
          label={label}
          amount={values.durations[key].amount}
          unit={values.durations[key].unit}
          problems={problems}
        />
      ))}
      <fieldset>
        <legend>A token asked for longer than that</legend>
        <label className={styles.choice}>
          <input type="radio" name="excess_ttl" value="refuse" defaultChecked={values.excessTtl === 'refuse'} />
          is refused
        </label>
        <label className={styles.choice}>
          <input type="radio" name="excess_ttl" value="clamp" defaultChecked={values.excessTtl === 'clamp'} />
          is shortened to the longest lifetime
        </label>
      </fieldset>
      <label className={styles.choice}>
        <input type="checkbox" name="auto_rotate" defaultChecked={values.autoRotate} data-testid="auto-rotate" />
        Rotate automatically every rotation period
      </label>
      <Problems field="auto_rotate" problems={problems} />
      <fieldset>
        <legend>Activation hold</legend>
        <label className={styles.choice}>
          <input type="checkbox" name="hold" defaultChecked={values.hold} data-testid="hold" />
          Hold a pending key until enough recent clients have fetched it
        </label>
        <div className={styles.row}>
          <label>
            Share of clients (%)
            <input
              name="activation_min_share"
              className={styles.amount}
              inputMode="decimal"
              defaultValue={values.minSharePercent}
            />
          </label>
          <DurationInput
            field="activation_max_delay"
            label="at most this much longer"
            amount={values.maxDelay.amount}
            unit={values.maxDelay.unit}
            problems={problems}
            problemField="activation_readiness"
          />
        </div>
        <Problems field="activation_readiness" problems={problems} />
      </fieldset>
      <label>
        Reason (recorded in the audit trail)
        <input name="reason" data-testid="reason" />
      </label>
      {state.error === undefined ? null : (
        <div role="alert" data-testid="action-error">
          <p className={styles.error}>{state.error}</p>
          {problems
            ?.filter((problem) => problem.field === undefined)
            .map((problem) => (
              <p key={problem.message} className={styles.error}>
                {problem.message}
              </p>
            ))}
        </div>
      )}
      {state.words === undefined || edited ? null : (
        <section className={styles.result} aria-live="polite" data-testid="policy-preview">
          <h2>{state.saved === true ? 'Saved: the policy now reads' : 'The new policy would read'}</h2>
          <p className={styles.hint}>Changes: {state.changed?.join(', ')}.</p>
          <ul>
            {state.words.map((sentence) => (
              <li key={sentence}>{sentence}</li>
            ))}
          </ul>
        </section>
      )}
      <div className={styles.inline}>
        <button type="submit" name="intent" value="review" disabled={pending} data-testid="review">
          Review the change
        </button>
        {canSave ? (
          <button type="submit" name="intent" value="save" disabled={pending} data-testid="save">
            Save this policy
          </button>
        ) : null}
      </div>
    </form>
  );
}
