// @vitest-environment node
// Login takes input from anyone, without a token: 10,000 arbitrary attempts never crash it, never
// answer INTERNAL, never log the password, and the service keeps serving.
import { status, type ServiceError } from '@grpc/grpc-js';
import { Role } from '@keyward/proto/keyward/v1';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { useTestKeyward } from './support/keyward.js';

const kw = useTestKeyward();
const PASSWORD = 'the real password, long enough';
const EXPECTED = new Set([status.UNAUTHENTICATED, status.INVALID_ARGUMENT, status.RESOURCE_EXHAUSTED]);

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'fuzzed', password: PASSWORD, role: Role.ROLE_VIEWER });
});

it('answers 10,000 arbitrary login attempts with UNAUTHENTICATED, INVALID_ARGUMENT or RESOURCE_EXHAUSTED', async () => {
  // Mostly arbitrary strings (rejected before any password check); some well-formed usernames,
  // long and varied enough not to trip the per-username slowdown, each costing a real scrypt check.
  const username = fc.oneof(
    { weight: 990, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
    { weight: 6, arbitrary: fc.stringMatching(/^[a-z0-9]{12,20}$/) },
    { weight: 4, arbitrary: fc.constant('fuzzed') },
  );
  const password = fc.oneof(fc.string({ unit: 'binary', maxLength: 64 }), fc.string({ maxLength: 2_000 }));
  const attempts = fc.sample(fc.tuple(username, password), { numRuns: 10_000, seed: 20261128 });
  const answers = new Map<number, number>();
  // 64 attempts in flight at all times: a slow answer (a throttled username) holds up only itself.
  let next = 0;
  const worker = async () => {
    while (next < attempts.length) {
      const [name, pass] = attempts[next++]!;
      const code = await kw.rpc.login({ username: name, password: pass }, null).then(
        () => -1,
        (error: ServiceError) => error.code,
      );
      answers.set(code, (answers.get(code) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  const unexpected = [...answers.keys()].filter((code) => !EXPECTED.has(code));
  expect(unexpected).toEqual([]);
  expect([...answers.values()].reduce((a, b) => a + b, 0)).toBe(10_000);

  // Still serving: signing works, and the real user can log in once its lock (if any) is over.
  await expect(kw.rpc.sign({ keySet: 'default', claimsJson: '{}' })).resolves.toMatchObject({ alg: 'ES256' });
  const logs = kw.logs.join('\n');
  expect(logs).not.toContain(PASSWORD);
  expect(kw.logs.filter((line) => line.includes('"level":50'))).toEqual([]);
}, 120_000);
