// @vitest-environment node
// Request deadlines through the real gRPC API: work queued behind slow work (key generation,
// password checks) whose caller's deadline passes is dropped before it starts, never done for
// nobody. grpc-js itself answers DEADLINE_EXCEEDED; what is checked here is what the server did.
import { status } from '@grpc/grpc-js';
import { Role, RotationMode } from '@keyward/proto/keyward/v1';
import { beforeAll, expect, it } from 'vitest';
import { grpcError, statusOf } from './support/grpc-errors.js';
import { useTestKeyward } from './support/keyward.js';

// One key generation at a time, so that a slow one holds up the next.
const kw = useTestKeyward({ maxConcurrentKeyGenerations: 1 });
const PASSWORD = 'a password of decent length';
const soon = (ms: number) => ({ deadline: Date.now() + ms });

beforeAll(async () => {
  await kw.rpc.createUser({ username: 'late', password: PASSWORD, role: Role.ROLE_VIEWER });
});

async function keySetNames(): Promise<string[]> {
  return (await kw.rpc.listKeySets({})).keySets.map((keySet) => keySet.name);
}

it('drops a key-set creation whose deadline passes while it waits for key generation', async () => {
  // RSA-4096 generation takes hundreds of milliseconds at the least; the next call allows 50.
  const slow = kw.rpc.createKeySet({ keySet: 'slow-rsa', algorithm: 'RS256', rsaModulusBits: 4096, kidScheme: 0 });
  const dropped = kw.rpc.createKeySet({ keySet: 'dropped', algorithm: 'ES256', kidScheme: 0 }, undefined, soon(50));
  expect((await grpcError(dropped)).code).toBe(status.DEADLINE_EXCEEDED);
  await slow;
  // Queued after anything still waiting: once it is done, the dropped call would have been too.
  await kw.rpc.createKeySet({ keySet: 'after', algorithm: 'ES256', kidScheme: 0 });

  const names = await keySetNames();
  expect(names).toEqual(expect.arrayContaining(['slow-rsa', 'after']));
  expect(names).not.toContain('dropped');
});

it('drops a rotation whose deadline passes while it waits for key generation', async () => {
  const before = (await kw.rpc.listKeys({ keySet: 'after' })).keys.map((key) => key.kid);
  const slow = kw.rpc.createKeySet({ keySet: 'slow-rsa-2', algorithm: 'RS256', rsaModulusBits: 4096, kidScheme: 0 });
  const dropped = kw.rpc.rotate(
    { keySet: 'after', mode: RotationMode.ROTATION_MODE_SCHEDULED, reason: 'too late' },
    undefined,
    soon(50),
  );
  expect((await grpcError(dropped)).code).toBe(status.DEADLINE_EXCEEDED);
  await slow;
  await kw.rpc.createKeySet({ keySet: 'after-2', algorithm: 'ES256', kidScheme: 0 });
  expect((await kw.rpc.listKeys({ keySet: 'after' })).keys.map((key) => key.kid)).toEqual(before);
});

it('drops a revocation of the signer whose deadline passes while its replacement waits for key generation', async () => {
  // Revoking the signer with no pending key mints a replacement: that waits behind the slow key.
  const signer = (await kw.rpc.listKeys({ keySet: 'after-2' })).keys[0]!;
  const slow = kw.rpc.createKeySet({ keySet: 'slow-rsa-3', algorithm: 'RS256', rsaModulusBits: 4096, kidScheme: 0 });
  const dropped = kw.rpc.revokeKey({ kid: signer.kid, reason: 'too late' }, undefined, soon(50));
  expect((await grpcError(dropped)).code).toBe(status.DEADLINE_EXCEEDED);
  await slow;
  await kw.rpc.createKeySet({ keySet: 'after-3', algorithm: 'ES256', kidScheme: 0 });
  // Nothing was revoked, and no key was made for nobody.
  expect((await kw.rpc.listKeys({ keySet: 'after-2' })).keys.map((key) => [key.kid, key.state])).toEqual([
    [signer.kid, signer.state],
  ]);
});

it('checks no password, and starts no session, for logins whose deadline passes while they wait', async () => {
  // Password checks run two at a time: these keep both busy for a while.
  const busy = Array.from({ length: 8 }, (_, i) =>
    statusOf(kw.rpc.login({ username: `busy-${i}`, password: 'wrong password here' }, null)),
  );
  const lateGuess = statusOf(kw.rpc.login({ username: 'late', password: 'a wrong guess, too late' }, null, soon(30)));
  const lateLogin = statusOf(kw.rpc.login({ username: 'late', password: PASSWORD }, null, soon(30)));
  expect(await Promise.all([lateGuess, lateLogin])).toEqual([status.DEADLINE_EXCEEDED, status.DEADLINE_EXCEEDED]);
  expect(await Promise.all(busy)).toEqual(Array.from({ length: 8 }, () => status.UNAUTHENTICATED));
  // Both slots, after whatever still waited: once these are through, so is any late check.
  const barrier = ['barrier-1', 'barrier-2'].map((username) =>
    statusOf(kw.rpc.login({ username, password: PASSWORD }, null)),
  );
  expect(await Promise.all(barrier)).toEqual([status.UNAUTHENTICATED, status.UNAUTHENTICATED]);

  // Every checked password leaves an event: the late guess left none, the late login no session.
  const { events } = await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 500, pageToken: '' });
  const failed = events.filter((event) => event.type === 'user.login_failed');
  expect(failed).toHaveLength(10);
  expect(failed.map((event) => JSON.parse(event.afterJson) as { username: string | null })).not.toContainEqual(
    expect.objectContaining({ username: 'late' }),
  );
  expect(events.filter((event) => event.actor === 'user:late')).toEqual([]);
  expect(await statusOf(kw.rpc.login({ username: 'late', password: PASSWORD }, null))).toBe('ok');
});
