// Separate file: it replaces node:crypto's randomBytes for the whole module graph of this file.
import type * as nodeCrypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const issued = vi.hoisted(() => ({ buffers: [] as Buffer[] }));

vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof nodeCrypto>();
  const randomBytes = (size: number): Buffer => {
    const buf = actual.randomBytes(size);
    issued.buffers.push(buf);
    return buf;
  };
  return { ...actual, default: { ...actual, randomBytes }, randomBytes };
});

const { masterKeyFromBytes, openPrivateKey, sealPrivateKey } = await import('./envelope.js');

describe('data key hygiene', () => {
  beforeEach(() => {
    issued.buffers.length = 0;
  });

  it('zeroes the plaintext data key once sealing is done', () => {
    const master = masterKeyFromBytes(Buffer.alloc(32, 0x42));
    const pkcs8 = Buffer.from('not really pkcs8, but bytes are bytes');
    const sealed = sealPrivateKey(pkcs8, Buffer.from('aad'), master);

    const dataKeys = issued.buffers.filter((b) => b.length === 32);
    const ivs = issued.buffers.filter((b) => b.length === 12);
    expect(dataKeys).toHaveLength(1);
    expect(ivs).toHaveLength(2);
    expect(dataKeys[0]?.equals(Buffer.alloc(32))).toBe(true);
    // IVs are not secret and must stay intact (they were copied into the output).
    for (const iv of ivs) expect(iv.equals(Buffer.alloc(12))).toBe(false);
    // Zeroing happened after use: the sealed key still opens.
    expect(openPrivateKey(sealed, Buffer.from('aad'), master).equals(pkcs8)).toBe(true);
  });
});
