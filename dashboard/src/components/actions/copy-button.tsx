'use client';
import { useState } from 'react';

/** Copies `text` to the clipboard, and says whether it did. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  return (
    <button
      type="button"
      aria-label={label}
      data-testid="copy"
      onClick={() => {
        navigator.clipboard.writeText(text).then(
          () => setCopied('yes'),
          () => setCopied('failed'),
        );
      }}
    >
      {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Copy failed: select and copy it' : 'Copy'}
    </button>
  );
}
