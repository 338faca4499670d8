import { hkdfSync } from 'node:crypto';
import type { MasterKey } from './envelope.js';

/**
 * A secret for one purpose, derived from the master key (HKDF-SHA256), so that features needing a
 * stable secret shared by every replica need no secret of their own and never use the master key
 * itself.
 */
export function deriveSecret(master: MasterKey, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master.key, Buffer.alloc(0), `keyward/v1/${purpose}`, 32));
}
