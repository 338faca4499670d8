// Envelope encryption of private keys at rest. Each key gets its own random data key, so the master
// key only ever encrypts 32-byte data keys (far below AES-GCM's per-key limits with random IVs), and
// the database never holds anything decryptable without the master key.
//
// Both layers share one self-describing layout: version (1) | iv (12) | tag (16) | ciphertext.
// The version byte is also authenticated (prefixed to the AAD), so it cannot be rewritten to
// steer a future reader into another format.

import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { KeywardError, invalidArgument } from '../errors.js';

export type MasterKey = { id: string; key: Buffer };

export type SealedKey = {
  ciphertext: Buffer;
  wrappedDataKey: Buffer;
  /** Which master key wrapped the data key; lets a mismatch be reported before trying to decrypt. */
  masterKeyId: string;
};

const KEY_BYTES = 32;
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
const CIPHER = 'aes-256-gcm';

const MASTER_KEY_ID_LABEL = 'keyward master key id';
// Binds the wrapped data key to its role: a wrapped data key cannot be passed off as a private-key
// ciphertext (or vice versa), even if a row's two columns were swapped.
const DATA_KEY_LABEL = Buffer.from('keyward/envelope/v1/data-key\0', 'utf8');

export function generateMasterKeyBytes(): Buffer {
  return randomBytes(KEY_BYTES);
}

export function masterKeyFromBytes(bytes: Buffer): MasterKey {
  if (bytes.length !== KEY_BYTES) {
    throw invalidArgument('master_key', `must be exactly ${KEY_BYTES} bytes (AES-256), got ${bytes.length}`);
  }
  // A copy: the caller may zero or reuse its buffer.
  const key = Buffer.from(bytes);
  // An HMAC rather than a plain hash of the key: the id is published in rows and logs, and must
  // reveal nothing that helps an attacker test candidate keys against unrelated hashes.
  const id = createHmac('sha256', key).update(MASTER_KEY_ID_LABEL, 'utf8').digest().subarray(0, 16);
  return { id: id.toString('hex'), key };
}

export function sealPrivateKey(pkcs8: Buffer, aad: Buffer, master: MasterKey): SealedKey {
  const dataKey = randomBytes(KEY_BYTES);
  try {
    return {
      ciphertext: encrypt(dataKey, pkcs8, aad),
      wrappedDataKey: encrypt(master.key, dataKey, Buffer.concat([DATA_KEY_LABEL, aad])),
      masterKeyId: master.id,
    };
  } finally {
    dataKey.fill(0);
  }
}

/** Returns the PKCS#8 bytes; the caller should zero them once parsed into a KeyObject. */
export function openPrivateKey(sealed: SealedKey, aad: Buffer, master: MasterKey): Buffer {
  if (sealed.masterKeyId !== master.id) {
    throw precondition(`sealed with master key ${sealed.masterKeyId}, but the configured master key is ${master.id}`);
  }
  const dataKey = decrypt(
    master.key,
    sealed.wrappedDataKey,
    Buffer.concat([DATA_KEY_LABEL, aad]),
    'wrapped data key',
    'cannot unwrap the data key: wrong master key, or the key was moved to another row or altered',
  );
  try {
    if (dataKey.length !== KEY_BYTES) {
      throw precondition(`wrapped data key: unwrapped to ${dataKey.length} bytes, expected ${KEY_BYTES}`);
    }
    return decrypt(
      dataKey,
      sealed.ciphertext,
      aad,
      'ciphertext',
      'cannot decrypt: the ciphertext was moved to another row or altered',
    );
  } finally {
    dataKey.fill(0);
  }
}

function encrypt(key: Buffer, plaintext: Buffer, aad: Buffer): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = VERSION;
  const iv = randomBytes(IV_BYTES);
  iv.copy(header, 1);
  const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.concat([header.subarray(0, 1), aad]));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  cipher.getAuthTag().copy(header, 1 + IV_BYTES);
  return Buffer.concat([header, body]);
}

function decrypt(key: Buffer, sealed: Buffer, aad: Buffer, what: string, authFailure: string): Buffer {
  if (sealed.length < HEADER_BYTES) {
    throw precondition(`${what}: truncated (${sealed.length} bytes, header alone is ${HEADER_BYTES})`);
  }
  const version = sealed[0];
  if (version !== VERSION) {
    throw precondition(`${what}: unsupported format version ${String(version)} (expected ${VERSION})`);
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, HEADER_BYTES);
  const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.concat([sealed.subarray(0, 1), aad]));
  decipher.setAuthTag(tag);
  // GCM releases plaintext before the tag check; `first` is zeroed either way so neither
  // unauthenticated bytes nor a stray copy of the key material outlives this call.
  const first = decipher.update(sealed.subarray(HEADER_BYTES));
  try {
    return Buffer.concat([first, decipher.final()]);
  } catch (cause) {
    throw precondition(authFailure, cause);
  } finally {
    first.fill(0);
  }
}

function precondition(message: string, cause?: unknown): KeywardError {
  return new KeywardError('FAILED_PRECONDITION', message, cause === undefined ? undefined : { cause });
}
