// @vitest-environment node
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { clientHash } from './client-hash.js';

const secret = Buffer.alloc(32, 7);
const client = '203.0.113.9\nokhttp/4.12';

describe('clientHash', () => {
  it('is HMAC-SHA256 of the client id under the secret', () => {
    expect(clientHash(secret, client)).toEqual(createHmac('sha256', secret).update(client).digest());
    expect(clientHash(secret, client)).toHaveLength(32);
  });

  it('is stable for a client and differs between clients and between secrets', () => {
    expect(clientHash(secret, client)).toEqual(clientHash(secret, client));
    expect(clientHash(secret, client)).not.toEqual(clientHash(secret, '203.0.113.9\nokhttp/4.13'));
    expect(clientHash(secret, client)).not.toEqual(clientHash(Buffer.alloc(32, 8), client));
  });

  it('refuses a secret too short to salt anything', () => {
    expect(() => clientHash(Buffer.alloc(0), client)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => clientHash(Buffer.alloc(15), client)).toThrow(/secret/);
  });
});
