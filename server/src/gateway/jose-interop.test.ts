// A relying party's view: jose's createRemoteJWKSet fetches the gateway's JWKS and verifies a token.

import { SignJWT, createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FakeSource, realJwksWithSigningKey } from './test-support/fake-source.js';
import { startGateway, type RunningGateway } from './test-support/http-client.js';

const source = new FakeSource();
const { document, privateKey } = realJwksWithSigningKey('payments-1');
let gateway: RunningGateway;

beforeAll(async () => {
  source.jwksDocuments.set('payments', document);
  gateway = await startGateway(source);
});
afterAll(async () => {
  await gateway.close();
});

it('jose verifies a token against /key-sets/{name}/.well-known/jwks.json', async () => {
  const token = await new SignJWT({ sub: 'alice' })
    .setProtectedHeader({ alg: 'ES256', kid: 'payments-1' })
    .setAudience('billing')
    .sign(privateKey);
  const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${gateway.port}/key-sets/payments/.well-known/jwks.json`));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, { audience: 'billing' });
  expect(payload.sub).toBe('alice');
  expect(protectedHeader.kid).toBe('payments-1');
});
