// @vitest-environment node
// From an external client's point of view: tokens signed before a rotation keep verifying against
// the served JWKS, and a client holding a remote JWKS picks up the new kid.
import { RotationMode } from '@keyward/proto/keyward/v1';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { expect, it } from 'vitest';
import { useTestKeyward } from './support/keyward.js';

const IMMEDIATE = RotationMode.ROTATION_MODE_IMMEDIATE;

const kw = useTestKeyward();

it('keeps every earlier token verifiable across several rotations', async () => {
  await kw.rpc.createKeySet({ keySet: 'chain', algorithm: 'PS256', kidScheme: 0 });
  const jwks = createRemoteJWKSet(new URL(`${kw.httpUrl}/key-sets/chain/.well-known/jwks.json`), {
    cooldownDuration: 0,
  });
  const tokens: { jws: string; round: number }[] = [];
  for (let round = 0; round < 4; round += 1) {
    const signed = await kw.rpc.sign({ keySet: 'chain', claimsJson: JSON.stringify({ round }) });
    tokens.push({ jws: signed.jws, round });
    // The new token verifies at once: jose refetches on an unknown kid.
    await expect(jwtVerify(signed.jws, jwks)).resolves.toMatchObject({ payload: { round } });
    await kw.rpc.rotate({ keySet: 'chain', reason: `round ${round}`, mode: IMMEDIATE });
  }
  for (const { jws, round } of tokens) {
    await expect(jwtVerify(jws, jwks)).resolves.toMatchObject({ payload: { round } });
  }
  const response = await fetch(`${kw.httpUrl}/key-sets/chain/.well-known/jwks.json`);
  const { keys } = (await response.json()) as { keys: unknown[] };
  expect(keys).toHaveLength(5);
});
