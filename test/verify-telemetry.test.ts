// @vitest-environment node
// What Verify counts: every result in /metrics, and every failure among the verification-failure
// reports under the client "keyward:verify", beside what relying parties report. Real service,
// real gRPC, real HTTP scrape read with an independent parser.
import { CreateKeySetRequest, StatsGroupBy } from '@keyward/proto/keyward/v1';
import { expect, it } from 'vitest';
import { parseExposition, valueOf } from '../server/src/metrics/test-support/exposition.js';
import { failureTotals, lastMinute } from './support/failure-stats.js';
import { useTestKeyward } from './support/keyward.js';

const kw = useTestKeyward();

async function scrape() {
  return parseExposition(await (await fetch(`${kw.metricsUrl}/metrics`)).text());
}

it('counts every Verify result, and keeps each failure as a report of the service itself', async () => {
  const keySet = 'telemetry';
  await kw.rpc.createKeySet(CreateKeySetRequest.fromPartial({ keySet, algorithm: 'ES256' }));
  const { jws, kid } = await kw.rpc.sign({ keySet, claimsJson: JSON.stringify({ sub: 'alice' }) });
  const [header, payload, signature] = jws.split('.') as [string, string, string];
  const tampered = `${header}.${Buffer.from('{"sub":"mallory"}').toString('base64url')}.${signature}`;
  const before = await scrape();

  const from = lastMinute();
  expect((await kw.rpc.verify({ keySet, jws })).valid).toBe(true);
  expect((await kw.rpc.verify({ keySet, jws: tampered })).reason).toBeGreaterThan(0);
  expect((await kw.rpc.verify({ keySet, jws: `${header}.${payload}` })).valid).toBe(false);

  const after = await scrape();
  const moved = (result: string) =>
    valueOf(after, 'keyward_verifications_total', { key_set: keySet, result }) -
    valueOf(before, 'keyward_verifications_total', { key_set: keySet, result });
  expect([moved('valid'), moved('BAD_SIGNATURE'), moved('MALFORMED')]).toEqual([1, 1, 1]);

  await kw.running.flushUsage();
  expect(await failureTotals(kw.rpc, keySet, from, StatsGroupBy.STATS_GROUP_BY_REASON)).toEqual({
    BAD_SIGNATURE: 1,
    MALFORMED: 1,
  });
  expect(await failureTotals(kw.rpc, keySet, from, StatsGroupBy.STATS_GROUP_BY_CLIENT)).toEqual({
    'keyward:verify': 2,
  });
  // The tampered token names a real kid; the malformed one none at all (counted under "").
  expect(await failureTotals(kw.rpc, keySet, from, StatsGroupBy.STATS_GROUP_BY_KID)).toEqual({ [kid]: 1, '': 1 });
});
