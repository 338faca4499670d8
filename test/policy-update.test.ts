// @vitest-environment node
// UpdateKeySetPolicy as clients use it: read, change, send back (with and without an update_mask),
// through a real gRPC client against a real service.
import { status } from '@grpc/grpc-js';
import { CreateKeySetRequest, type KeySetPolicy } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { duration, grpcError } from './support/lifecycle-helpers.js';
import { useTestKeyward } from './support/keyward.js';

const kw = useTestKeyward();

// One algorithm of every family, and RSA at a non-default size.
const FAMILIES = [
  ['ES256', undefined],
  ['EdDSA', undefined],
  ['RS256', 3072],
  ['PS384', undefined],
] as const;

async function createKeySet(algorithm: string, rsaModulusBits?: number): Promise<string> {
  const keySet = `rmw-${algorithm.toLowerCase()}-${Math.random().toString(36).slice(2, 8)}`;
  await kw.rpc.createKeySet(CreateKeySetRequest.fromPartial({ keySet, algorithm, rsaModulusBits }));
  return keySet;
}

async function policyOf(keySet: string): Promise<KeySetPolicy> {
  return (await kw.rpc.getKeySet({ keySet })).keySet!.policy!;
}

describe.each(FAMILIES)('a %s key set', (algorithm, rsaModulusBits) => {
  it('accepts back unchanged what GetKeySet reports, without and with a mask', async () => {
    const keySet = await createKeySet(algorithm, rsaModulusBits);
    const read = await policyOf(keySet);
    expect(read.rsaModulusBits).toBe(
      rsaModulusBits ?? (algorithm.startsWith('RS') || algorithm.startsWith('PS') ? 2048 : undefined),
    );

    const unchanged = await kw.rpc.updateKeySetPolicy({ keySet, policy: read, reason: 'as read' });
    expect(unchanged.keySet!.policy).toEqual(read);
    const masked = await kw.rpc.updateKeySetPolicy({ keySet, policy: read, reason: 'as read', updateMask: ['*'] });
    expect(masked.keySet!.policy).toEqual(read);
  });

  it('changes one period of what it read, and only that', async () => {
    const keySet = await createKeySet(algorithm, rsaModulusBits);
    const read = await policyOf(keySet);
    const changed = { ...read, retentionPeriod: duration(7 * 86_400) };
    const updated = await kw.rpc.updateKeySetPolicy({ keySet, policy: changed, reason: 'read-modify-write' });
    expect(updated.keySet!.policy).toEqual(changed);

    // With a mask, the other fields of the message are ignored, whatever they hold.
    const masked = await kw.rpc.updateKeySetPolicy({
      keySet,
      policy: { ...read, retentionPeriod: duration(9 * 86_400), gracePeriod: duration(1) },
      reason: 'masked',
      updateMask: ['retention_period'],
    });
    expect(masked.keySet!.policy).toEqual({ ...changed, retentionPeriod: duration(9 * 86_400) });
  });
});

describe('update_mask', () => {
  it('puts a named field that is left unset back to its default', async () => {
    const keySet = await createKeySet('ES256');
    const defaults = await policyOf(keySet);
    await kw.rpc.updateKeySetPolicy({
      keySet,
      policy: {
        retentionPeriod: duration(3 * 86_400),
        excessTtl: 2,
        autoRotate: false,
        activationReadiness: { minShare: 0.5, maxDelay: duration(60) },
      },
      reason: 'tune',
    });
    const reset = await kw.rpc.updateKeySetPolicy({
      keySet,
      policy: { excessTtl: 0 },
      reason: 'back to defaults',
      updateMask: ['retention_period', 'excess_ttl', 'auto_rotate', 'activation_readiness'],
    });
    expect(reset.keySet!.policy).toEqual(defaults);
  });

  it.each([
    [['rotation'], /^update_mask\.paths\[0\]: "rotation" is not a KeySetPolicy field/],
    [['retention_period', 'policy.grace_period'], /^update_mask\.paths\[1\]: /],
    [['algorithm'], /^policy\.algorithm: is named in update_mask but not set/],
  ])('refuses %j with INVALID_ARGUMENT, changing nothing', async (updateMask, message) => {
    const keySet = await createKeySet('ES256');
    const before = await policyOf(keySet);
    const error = await grpcError(
      kw.rpc.updateKeySetPolicy({
        keySet,
        policy: { retentionPeriod: duration(1), excessTtl: 0 },
        reason: '',
        updateMask,
      }),
    );
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(message);
    expect(await policyOf(keySet)).toEqual(before);
  });
});
