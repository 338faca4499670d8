import { createHash } from 'node:crypto';

/** A public document serialized once per change, with a strong ETag over its exact bytes. */
export interface PublishedDocument {
  readonly text: string;
  readonly body: Buffer;
  readonly etag: string;
}

export function publishJson(value: unknown): PublishedDocument {
  const text = JSON.stringify(value);
  const body = Buffer.from(text, 'utf8');
  // Derived from the bytes alone, so every replica serving the same state serves the same ETag.
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  return { text, body, etag };
}
