import { createDecipheriv, createHmac, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KeywardError } from '../errors.js';
import {
  generateMasterKeyBytes,
  masterKeyFromBytes,
  openPrivateKey,
  sealPrivateKey,
  type MasterKey,
  type SealedKey,
} from './envelope.js';
import { thrownBy } from '../test-support/thrown.js';

const HEADER = 1 + 12 + 16;

const pkcs8 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
  format: 'der',
  type: 'pkcs8',
});
const aad = Buffer.from('keyset=ks_123;kid=abc', 'utf8');

/** Opening must fail with FAILED_PRECONDITION and a message free of key bytes. */
function expectOpenFails(sealed: SealedKey, openAad: Buffer, master: MasterKey): KeywardError {
  const err = thrownBy(() => openPrivateKey(sealed, openAad, master));
  expect(err.code).toBe('FAILED_PRECONDITION');
  const text = `${err.message} ${String(err.cause)}`;
  for (const secret of [master.key, pkcs8]) {
    expect(text).not.toContain(secret.toString('hex'));
    expect(text).not.toContain(secret.toString('base64'));
    expect(text).not.toContain(secret.toString('base64url'));
  }
  return err;
}

function flipped(buf: Buffer, index: number): Buffer {
  const copy = Buffer.from(buf);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

describe('masterKeyFromBytes', () => {
  it('accepts 32 bytes and derives a non-secret id from HMAC-SHA256', () => {
    const bytes = generateMasterKeyBytes();
    expect(bytes.length).toBe(32);
    const master = masterKeyFromBytes(bytes);
    const expectedId = createHmac('sha256', bytes)
      .update('keyward master key id')
      .digest()
      .subarray(0, 16)
      .toString('hex');
    expect(master.id).toBe(expectedId);
    expect(master.id).toMatch(/^[0-9a-f]{32}$/);
    expect(master.key.equals(bytes)).toBe(true);
    expect(masterKeyFromBytes(Buffer.from(bytes)).id).toBe(master.id);
    expect(masterKeyFromBytes(generateMasterKeyBytes()).id).not.toBe(master.id);
  });

  it('copies the bytes, so zeroing the source does not change the key', () => {
    const bytes = generateMasterKeyBytes();
    const original = Buffer.from(bytes);
    const master = masterKeyFromBytes(bytes);
    bytes.fill(0);
    expect(master.key.equals(original)).toBe(true);
  });

  it.each([0, 16, 31, 33, 64])('rejects %i bytes', (n) => {
    const err = thrownBy(() => masterKeyFromBytes(Buffer.alloc(n, 7)));
    expect(err.code).toBe('INVALID_ARGUMENT');
    expect(err.message).toBe(`master_key: must be exactly 32 bytes (AES-256), got ${n}`);
  });

  it('generates distinct random master keys', () => {
    expect(generateMasterKeyBytes().equals(generateMasterKeyBytes())).toBe(false);
  });
});

describe('sealPrivateKey / openPrivateKey', () => {
  const master = masterKeyFromBytes(generateMasterKeyBytes());

  it('round-trips', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    expect(sealed.masterKeyId).toBe(master.id);
    expect(openPrivateKey(sealed, aad, master).equals(pkcs8)).toBe(true);
  });

  it('uses the versioned layout for both layers', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    expect(sealed.ciphertext[0]).toBe(1);
    expect(sealed.wrappedDataKey[0]).toBe(1);
    expect(sealed.ciphertext.length).toBe(HEADER + pkcs8.length);
    expect(sealed.wrappedDataKey.length).toBe(HEADER + 32);
  });

  it('binds the wrapped data key to its role with a domain label, and authenticates the version', () => {
    // White-box: the two layers use different keys, so swapping them fails regardless; this pins
    // the label itself, which keeps the wrapped data key from validating as a plain-AAD blob.
    const sealed = sealPrivateKey(pkcs8, aad, master);
    const unwrap = (gcmAad: Buffer): Buffer => {
      const w = sealed.wrappedDataKey;
      const d = createDecipheriv('aes-256-gcm', master.key, w.subarray(1, 13), { authTagLength: 16 });
      d.setAAD(gcmAad);
      d.setAuthTag(w.subarray(13, HEADER));
      return Buffer.concat([d.update(w.subarray(HEADER)), d.final()]);
    };
    const label = Buffer.from('keyward/envelope/v1/data-key\0', 'utf8');
    expect(unwrap(Buffer.concat([Buffer.of(1), label, aad])).length).toBe(32);
    expect(() => unwrap(Buffer.concat([Buffer.of(1), aad]))).toThrow();
    expect(() => unwrap(Buffer.concat([label, aad]))).toThrow();
  });

  it('gives different ciphertexts when sealing the same key twice', () => {
    const a = sealPrivateKey(pkcs8, aad, master);
    const b = sealPrivateKey(pkcs8, aad, master);
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedDataKey.equals(b.wrappedDataKey)).toBe(false);
    // Fresh IVs in both layers, and a fresh data key (different body for the same plaintext).
    expect(a.ciphertext.subarray(1, 13).equals(b.ciphertext.subarray(1, 13))).toBe(false);
    expect(a.wrappedDataKey.subarray(1, 13).equals(b.wrappedDataKey.subarray(1, 13))).toBe(false);
    expect(a.ciphertext.subarray(HEADER).equals(b.ciphertext.subarray(HEADER))).toBe(false);
  });

  it('never stores the plaintext, nor any 16-byte window of it', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    expect(pkcs8.length).toBeGreaterThan(16);
    for (const stored of [sealed.ciphertext, sealed.wrappedDataKey]) {
      expect(stored.includes(pkcs8)).toBe(false);
      for (let i = 0; i + 16 <= pkcs8.length; i++) {
        expect(stored.includes(pkcs8.subarray(i, i + 16))).toBe(false);
      }
      expect(stored.includes(master.key)).toBe(false);
    }
  });

  it('fails with another master key, naming both key ids', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    const other = masterKeyFromBytes(generateMasterKeyBytes());
    const err = expectOpenFails(sealed, aad, other);
    expect(err.message).toBe(`sealed with master key ${master.id}, but the configured master key is ${other.id}`);
  });

  it('fails with another master key even if the recorded id is forged to match', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    const other = masterKeyFromBytes(generateMasterKeyBytes());
    const err = expectOpenFails({ ...sealed, masterKeyId: other.id }, aad, other);
    expect(err.message).toMatch(/^cannot unwrap the data key: wrong master key/);
  });

  it('fails when the recorded master key id does not match', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    const err = expectOpenFails({ ...sealed, masterKeyId: 'f'.repeat(32) }, aad, master);
    expect(err.message).toContain(`sealed with master key ${'f'.repeat(32)}`);
  });

  it('fails with another AAD (the sealed key was moved to another row)', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    for (const other of [Buffer.from('keyset=ks_123;kid=abd'), Buffer.alloc(0), Buffer.concat([aad, Buffer.of(0)])]) {
      const err = expectOpenFails(sealed, other, master);
      expect(err.message).toMatch(/moved to another row or altered/);
    }
  });

  it('fails when the ciphertext comes from another row', () => {
    const a = sealPrivateKey(pkcs8, aad, master);
    const b = sealPrivateKey(pkcs8, aad, master);
    const err = expectOpenFails({ ...a, ciphertext: b.ciphertext }, aad, master);
    expect(err.message).toBe('cannot decrypt: the ciphertext was moved to another row or altered');
  });

  it('fails when the two layers are swapped', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    expectOpenFails({ ...sealed, ciphertext: sealed.wrappedDataKey, wrappedDataKey: sealed.ciphertext }, aad, master);
  });

  it('fails when any byte of the ciphertext is flipped', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    for (let i = 0; i < sealed.ciphertext.length; i++) {
      expectOpenFails({ ...sealed, ciphertext: flipped(sealed.ciphertext, i) }, aad, master);
    }
  });

  it('fails when any byte of the wrapped data key is flipped', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    for (let i = 0; i < sealed.wrappedDataKey.length; i++) {
      expectOpenFails({ ...sealed, wrappedDataKey: flipped(sealed.wrappedDataKey, i) }, aad, master);
    }
  });

  it('fails on truncation or appended bytes', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    for (const ciphertext of [
      sealed.ciphertext.subarray(0, sealed.ciphertext.length - 1),
      sealed.ciphertext.subarray(0, HEADER),
      sealed.ciphertext.subarray(0, 5),
      Buffer.alloc(0),
      Buffer.concat([sealed.ciphertext, Buffer.of(0)]),
    ]) {
      expectOpenFails({ ...sealed, ciphertext }, aad, master);
    }
    const err = expectOpenFails({ ...sealed, wrappedDataKey: sealed.wrappedDataKey.subarray(0, 10) }, aad, master);
    expect(err.message).toBe('wrapped data key: truncated (10 bytes, header alone is 29)');
  });

  it('reports an unknown format version', () => {
    const sealed = sealPrivateKey(pkcs8, aad, master);
    const ciphertext = Buffer.from(sealed.ciphertext);
    ciphertext[0] = 2;
    expect(expectOpenFails({ ...sealed, ciphertext }, aad, master).message).toBe(
      'ciphertext: unsupported format version 2 (expected 1)',
    );
    const wrappedDataKey = Buffer.from(sealed.wrappedDataKey);
    wrappedDataKey[0] = 0;
    expect(expectOpenFails({ ...sealed, wrappedDataKey }, aad, master).message).toBe(
      'wrapped data key: unsupported format version 0 (expected 1)',
    );
  });

  it('round-trips arbitrary bytes and AADs (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), fc.uint8Array({ maxLength: 256 }), (plain, ad) => {
        const p = Buffer.from(plain);
        const a = Buffer.from(ad);
        const sealed = sealPrivateKey(p, a, master);
        expect(openPrivateKey(sealed, a, master).equals(p)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never opens under a different AAD (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 512 }),
        fc.uint8Array({ maxLength: 64 }),
        fc.uint8Array({ maxLength: 64 }),
        (plain, ad1, ad2) => {
          const a1 = Buffer.from(ad1);
          const a2 = Buffer.from(ad2);
          fc.pre(!a1.equals(a2));
          const sealed = sealPrivateKey(Buffer.from(plain), a1, master);
          const err = thrownBy(() => openPrivateKey(sealed, a2, master));
          expect(err.code).toBe('FAILED_PRECONDITION');
        },
      ),
      { numRuns: 300 },
    );
  });
});
