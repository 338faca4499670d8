// @vitest-environment node
// The verifier SDK reporting to the real service: failures a relying party meets reach
// POST /v1/verification-failures, are counted under the report token's name (never a value the
// SDK sends), and show in GetVerificationStats. The tokens being verified are never sent.
import { CreateKeySetRequest, Scope, StatsGroupBy } from '@keyward/proto/keyward/v1';
import { KeywardVerifier, type ReportSentEvent } from '@keyward/verifier';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { expect, it } from 'vitest';
import { failureTotals, lastMinute } from './support/failure-stats.js';
import { jwksUrl } from './support/lifecycle-helpers.js';
import { useTestKeyward } from './support/keyward.js';

const kw = useTestKeyward();

it('reports the failures it meets, aggregated, under the report token name', async () => {
  const keySet = 'relied-on';
  await kw.rpc.createKeySet(CreateKeySetRequest.fromPartial({ keySet, algorithm: 'ES256' }));
  const { secret } = await kw.rpc.createApiToken({
    name: 'billing-rp',
    grants: [{ keySet, scopes: [Scope.SCOPE_REPORT] }],
  });
  const sent: ReportSentEvent[] = [];
  const verifier = new KeywardVerifier({
    jwksUri: jwksUrl(kw.httpUrl, keySet),
    report: { keywardUrl: kw.httpUrl, token: secret, keySet },
    hooks: { onReportSent: (event) => sent.push(event) },
  });

  // A token of a key Keyward never issued, three times, and one valid token.
  const foreign = await generateKeyPair('ES256');
  const forged = await new SignJWT({ sub: 'mallory' })
    .setProtectedHeader({ alg: 'ES256', kid: 'forged-kid', typ: 'JWT' })
    .setExpirationTime('5m')
    .sign(foreign.privateKey);
  for (let i = 0; i < 3; i += 1) {
    await expect(verifier.verify(forged)).rejects.toMatchObject({ reason: 'UNKNOWN_KID' });
  }
  const { jws } = await kw.rpc.sign({ keySet, claimsJson: JSON.stringify({ sub: 'alice' }) });
  expect((await verifier.verify(jws)).payload.sub).toBe('alice');
  const from = lastMinute();
  await verifier.close();
  expect(sent.length).toBeGreaterThan(0);
  expect(JSON.stringify(sent)).not.toContain(forged);

  await kw.running.flushUsage();
  expect(await failureTotals(kw.rpc, keySet, from, StatsGroupBy.STATS_GROUP_BY_CLIENT)).toEqual({
    'token:billing-rp': 3,
  });
  const stats = await kw.rpc.getVerificationStats({
    keySet,
    from,
    to: new Date(from.getTime() + 5 * 60_000),
    step: { seconds: '60', nanos: 0 },
    groupBy: StatsGroupBy.STATS_GROUP_BY_KID,
  });
  expect(stats.unknownKidSamples).toEqual(['forged-kid']);
  // The foreign public key is nowhere in what the service was told.
  expect(JSON.stringify(stats)).not.toContain((await exportJWK(foreign.publicKey)).x);
});
