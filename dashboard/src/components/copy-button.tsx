'use client';
// Copies a value to the clipboard and says so where screen readers hear it. The clipboard is the
// browser's own: nothing is sent anywhere, so a secret shown once (a new API token) may pass too.
import { useEffect, useState } from 'react';
import styles from './copy-button.module.css';

const SHOWN_MS = 4_000;

export function CopyButton({ value, what, testId }: { value: string; what: string; testId: string }) {
  const [status, setStatus] = useState('');

  useEffect(() => {
    if (status === '') return;
    const timer = setTimeout(() => setStatus(''), SHOWN_MS);
    return () => clearTimeout(timer);
  }, [status]);

  const copy = () => {
    navigator.clipboard.writeText(value).then(
      () => setStatus('Copied'),
      () => setStatus('Copy failed: select the text and copy it'),
    );
  };

  return (
    <span className={styles.copy}>
      <button type="button" onClick={copy} data-testid={`copy-${testId}`}>
        Copy {what}
      </button>
      <span role="status" aria-live="polite" className={styles.copied} data-testid={`copied-${testId}`}>
        {status}
      </span>
    </span>
  );
}
