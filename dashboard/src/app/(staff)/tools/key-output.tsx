'use client';
import { useId } from 'react';
import { CopyButton } from '../../../components/copy-button';
import styles from './tools.module.css';

/** A read-only result (a JWK, a PEM, a thumbprint) with its label and a copy button. */
export function KeyOutput({
  label,
  value,
  testId,
  secret = false,
}: {
  label: string;
  value: string;
  testId: string;
  secret?: boolean;
}) {
  const id = useId();
  const rows = Math.min(12, value.split('\n').length + 1);
  return (
    <div className={styles.output}>
      <label htmlFor={id}>
        {label}
        {secret && <span className={styles.secret}> — private: keep it secret</span>}
      </label>
      {value.includes('\n') || value.length > 80 ? (
        <textarea id={id} readOnly value={value} rows={rows} spellCheck={false} data-testid={testId} />
      ) : (
        <input id={id} readOnly value={value} spellCheck={false} data-testid={testId} />
      )}
      <CopyButton value={value} what={label.toLowerCase()} testId={testId} />
    </div>
  );
}

export const pretty = (value: unknown) => JSON.stringify(value, null, 2);
