// @vitest-environment node
// Signatures counted by Sign in memory, stored by the real usage flush, read back with
// GetSignatureStats through a real gRPC client.
import { status } from '@grpc/grpc-js';
import { RotationMode, type GetSignatureStatsResponse } from '@keyward/proto/keyward/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { grpcError } from './support/grpc-errors.js';
import { useTestKeyward } from './support/keyward.js';

let now = new Date('2030-01-01T00:00:30Z');
const kw = useTestKeyward({ clock: () => now });
const FROM = new Date('2030-01-01T00:00:00Z');
const MINUTE = { seconds: '60', nanos: 0 };

let firstKid = '';
let secondKid = '';

async function signTimes(keySet: string, times: number): Promise<void> {
  for (let i = 0; i < times; i += 1) await kw.rpc.sign({ keySet, claimsJson: '{"sub":"s"}' });
}

function stats(
  kid = '',
  step = MINUTE,
  to = new Date(FROM.getTime() + 10 * 60_000),
): Promise<GetSignatureStatsResponse> {
  return kw.rpc.getSignatureStats({ keySet: 'payments', kid, from: FROM, to, step });
}

/** kid → counts per step. */
function countsOf(response: GetSignatureStatsResponse): Record<string, number[]> {
  return Object.fromEntries(response.series.map((s) => [s.key, s.points.map((p) => Number(p.count))]));
}

beforeAll(async () => {
  await kw.rpc.createKeySet({ keySet: 'payments', algorithm: 'ES256', kidScheme: 0 });
  await kw.rpc.createKeySet({ keySet: 'other', algorithm: 'ES256', kidScheme: 0 });
  firstKid = (await kw.rpc.getKeySet({ keySet: 'payments' })).keySet!.activeKid;
  await signTimes('payments', 3); // minute 0
  now = new Date('2030-01-01T00:02:10Z');
  await signTimes('payments', 2); // minute 2
  await signTimes('other', 4);
  // Part of the counts is written before the rotation, part after: the flush adds them up.
  await kw.running.flushUsage();
  now = new Date('2030-01-01T00:02:50Z');
  await signTimes('payments', 1); // minute 2 again, after a flush
  const rotated = await kw.rpc.rotate({
    keySet: 'payments',
    reason: 'test',
    mode: RotationMode.ROTATION_MODE_IMMEDIATE,
  });
  secondKid = rotated.newKey!.kid;
  now = new Date('2030-01-01T00:05:01Z');
  await signTimes('payments', 5); // minute 5, the new key
  await kw.running.flushUsage();
});

describe('GetSignatureStats', () => {
  it('counts every signature per kid and minute, zeros included, only of the key set asked about', async () => {
    const counts = countsOf(await stats());
    expect(counts).toEqual({
      [firstKid]: [3, 0, 3, 0, 0, 0, 0, 0, 0, 0],
      [secondKid]: [0, 0, 0, 0, 0, 5, 0, 0, 0, 0],
    });
    const response = await stats();
    expect(response.series[0]!.points.map((p) => p.start!.toISOString()).slice(0, 2)).toEqual([
      '2030-01-01T00:00:00.000Z',
      '2030-01-01T00:01:00.000Z',
    ]);
  });

  it('sums minutes into longer steps, and filters by kid', async () => {
    expect(countsOf(await stats(firstKid, { seconds: '300', nanos: 0 }))).toEqual({ [firstKid]: [6, 0] });
    expect(countsOf(await stats(secondKid, { seconds: '300', nanos: 0 }))).toEqual({ [secondKid]: [0, 5] });
  });

  it('answers no series for a range without signatures', async () => {
    const later = await kw.rpc.getSignatureStats({
      keySet: 'payments',
      kid: '',
      from: new Date('2030-01-02T00:00:00Z'),
      to: new Date('2030-01-02T01:00:00Z'),
      step: MINUTE,
    });
    expect(later.series).toEqual([]);
  });

  it('refuses what GetVerificationStats refuses, and a kid or key set that does not exist', async () => {
    const cases: [Promise<unknown>, status, RegExp][] = [
      [stats('', { seconds: '30', nanos: 0 }), status.INVALID_ARGUMENT, /step/],
      [stats('', { seconds: '60', nanos: 5 }), status.INVALID_ARGUMENT, /step/],
      [stats('', MINUTE, new Date(FROM.getTime() + 2_001 * 60_000)), status.INVALID_ARGUMENT, /at most 2000/],
      [stats('', MINUTE, FROM), status.INVALID_ARGUMENT, /to/],
      [
        kw.rpc.getSignatureStats({ keySet: 'payments', kid: '', to: FROM, step: MINUTE }),
        status.INVALID_ARGUMENT,
        /from/,
      ],
      [stats('no-such-kid'), status.NOT_FOUND, /no key "no-such-kid"/],
      [
        kw.rpc.getSignatureStats({ keySet: 'nope', kid: '', from: FROM, to: now, step: MINUTE }),
        status.NOT_FOUND,
        /nope/,
      ],
    ];
    for (const [call, code, message] of cases) {
      const error = await grpcError(call);
      expect(error.code).toBe(code);
      expect(error.details).toMatch(message);
    }
  });

  it('does not count a kid of another key set', async () => {
    const otherKid = (await kw.rpc.getKeySet({ keySet: 'other' })).keySet!.activeKid;
    expect((await grpcError(stats(otherKid))).code).toBe(status.NOT_FOUND);
    const other = await kw.rpc.getSignatureStats({
      keySet: 'other',
      kid: '',
      from: FROM,
      to: new Date(FROM.getTime() + 10 * 60_000),
      step: MINUTE,
    });
    expect(countsOf(other)).toEqual({ [otherKid]: [0, 0, 4, 0, 0, 0, 0, 0, 0, 0] });
  });

  it('refuses an answer of more than 20000 points in all, and answers the same for one kid', async () => {
    await kw.rpc.createKeySet({ keySet: 'busy', algorithm: 'ES256', kidScheme: 0 });
    const kids: string[] = [];
    for (let i = 0; i < 11; i += 1) {
      await signTimes('busy', 1);
      kids.push((await kw.rpc.getKeySet({ keySet: 'busy' })).keySet!.activeKid);
      await kw.rpc.rotate({ keySet: 'busy', reason: 'test', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
    }
    await kw.running.flushUsage();
    const request = { keySet: 'busy', from: FROM, to: new Date(FROM.getTime() + 2_000 * 60_000), step: MINUTE };
    const error = await grpcError(kw.rpc.getSignatureStats({ ...request, kid: '' }));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(/22000 points for the 11 kids .* at most 20000/);
    const one = await kw.rpc.getSignatureStats({ ...request, kid: kids[0]! });
    expect(one.series.map((series) => [series.key, series.points.length])).toEqual([[kids[0], 2_000]]);
  });
});
