// Binds a key's sealed private material to the row it belongs to: the associated data names the
// key set, the row and the kid, so a ciphertext copied to another row fails to open.
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { openPrivateKey, sealPrivateKey, type SealedKey } from '../crypto/envelope.js';
import type { MasterKeyRing } from '../crypto/master-key-ring.js';
import { KeywardError } from '../errors.js';

export interface KeyIdentity {
  readonly keySetId: string;
  readonly id: string;
  readonly kid: string;
}

function associatedData(key: KeyIdentity): Buffer {
  return Buffer.from(`keyward/v1/private-key/${key.keySetId}/${key.id}/${key.kid}`, 'utf8');
}

export function sealKey(key: KeyIdentity, privateKey: KeyObject, masters: MasterKeyRing): SealedKey {
  const pkcs8 = privateKey.export({ format: 'der', type: 'pkcs8' });
  try {
    return sealPrivateKey(pkcs8, associatedData(key), masters.current);
  } finally {
    pkcs8.fill(0);
  }
}

export function openKey(key: KeyIdentity, sealed: SealedKey | null, masters: MasterKeyRing): KeyObject {
  if (sealed === null) {
    throw new KeywardError('FAILED_PRECONDITION', `key ${key.kid} holds no private material`);
  }
  const master = masters.byId(sealed.masterKeyId);
  if (master === undefined) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `key ${key.kid} is sealed under master key ${sealed.masterKeyId}, which is not configured`,
    );
  }
  const pkcs8 = openPrivateKey(sealed, associatedData(key), master);
  try {
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } finally {
    pkcs8.fill(0);
  }
}

/** The same private key, sealed under the newest master key: what master-key rotation stores. */
export function rewrapKey(key: KeyIdentity, sealed: SealedKey, masters: MasterKeyRing): SealedKey {
  return sealKey(key, openKey(key, sealed, masters), masters);
}
