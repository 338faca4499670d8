// @vitest-environment node
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportSPKI, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { keyMaterial } from './key-material';

function publishedJwk(key: KeyObject, extra: Record<string, string>): string {
  return JSON.stringify({ ...key.export({ format: 'jwk' }), ...extra });
}

describe('keyMaterial', () => {
  it.each([
    ['ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey],
    ['EdDSA', generateKeyPairSync('ed25519').publicKey],
    ['RS256', generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey],
  ])('gives the PEM and thumbprint jose derives from a published %s JWK', async (alg, publicKey) => {
    const json = publishedJwk(publicKey, { kid: 'k1', alg, use: 'sig' });
    const material = await keyMaterial(json);
    const jwk = JSON.parse(json) as Record<string, string>;
    expect(JSON.parse(material.jwkJson)).toEqual(jwk);
    expect(material.jwkJson).toContain('\n  "kid": "k1"');
    // openssl ends the PEM with a newline, as node:crypto does; jose does not.
    expect(material.pem.trimEnd()).toBe(await exportSPKI((await importJWK(jwk, alg)) as CryptoKey));
    expect(material.pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+\n-----END PUBLIC KEY-----\n$/);
    expect(material.thumbprint).toBe(await calculateJwkThumbprint(jwk, 'sha256'));
    // The PEM names the same key: back to a JWK, it has the same thumbprint.
    const back = await exportJWK(createPublicKey(material.pem));
    expect(await calculateJwkThumbprint(back, 'sha256')).toBe(material.thumbprint);
  });

  it('refuses something that is not a public JWK', async () => {
    await expect(keyMaterial('{"kty":"EC"}')).rejects.toThrow();
    await expect(keyMaterial('not json')).rejects.toThrow();
  });
});
