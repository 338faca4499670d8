// @vitest-environment node
// The per-token rate limit through the real gRPC API: it trips, says when to retry, and releases.
import { status } from '@grpc/grpc-js';
import { Scope } from '@keyward/proto/keyward/v1';
import { beforeAll, expect, it } from 'vitest';
import { useTestKeyward } from './support/keyward.js';
import { grpcError } from './support/grpc-errors.js';

let now = new Date('2030-01-01T00:00:00Z');
const kw = useTestKeyward({ clock: () => now, rateLimitPerSecond: 2, rateLimitBurst: 3 });

let other = '';

beforeAll(async () => {
  // The admin token's own bucket is spent on this setup; the test uses fresh tokens.
  now = new Date(now.getTime() + 10_000);
  other = (await kw.rpc.createApiToken({ name: 'other', grants: [{ keySet: 'default', scopes: [Scope.SCOPE_SIGN] }] }))
    .secret;
  now = new Date(now.getTime() + 10_000);
});

it('refuses calls beyond the burst with RESOURCE_EXHAUSTED and a retry hint, per token, until it refills', async () => {
  for (let i = 0; i < 3; i += 1) await kw.rpc.whoAmI({});
  const refused = await grpcError(kw.rpc.whoAmI({}));
  expect(refused.code).toBe(status.RESOURCE_EXHAUSTED);
  expect(refused.details).toBe('rate limit exceeded for this token; retry in 0.5s');
  expect(refused.metadata.get('retry-after-ms')).toEqual(['500']);

  // Another token has its own bucket.
  await expect(kw.rpc.sign({ keySet: 'default', claimsJson: '{}' }, other)).resolves.toMatchObject({ alg: 'ES256' });

  // Just before the hinted time it is still refused; at it, one call goes through.
  now = new Date(now.getTime() + 499);
  expect((await grpcError(kw.rpc.whoAmI({}))).code).toBe(status.RESOURCE_EXHAUSTED);
  now = new Date(now.getTime() + 1);
  await expect(kw.rpc.whoAmI({})).resolves.toMatchObject({ principal: 'token:KEYWARD_ADMIN_TOKEN' });
});
