// Clients are stored only as a keyed hash of address and User-Agent: enough to count distinct
// clients and notice one coming back, useless for finding out who they are without the secret.

import { createHmac } from 'node:crypto';
import { invalidArgument } from '../errors.js';

/** Shorter secrets make the hash guessable over the small space of addresses. */
export const MIN_CLIENT_HASH_SECRET_BYTES = 16;

/** HMAC-SHA256 of `clientId` under `secret`: 32 bytes. */
export function clientHash(secret: Buffer, clientId: string): Buffer {
  if (secret.length < MIN_CLIENT_HASH_SECRET_BYTES) {
    throw invalidArgument('secret', `must be at least ${MIN_CLIENT_HASH_SECRET_BYTES} bytes`);
  }
  return createHmac('sha256', secret).update(clientId, 'utf8').digest();
}
