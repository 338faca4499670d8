// @vitest-environment node
// Every authorized call of a state-changing RPC leaves an audit event with its actor, reason and
// outcome, including the calls that found nothing to change. Real service, real gRPC client.
import { status } from '@grpc/grpc-js';
import { CreateKeySetRequest, Role, Scope, type Event } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { ADMIN_ACTOR, grpcError } from './support/lifecycle-helpers.js';
import { useTestKeyward } from './support/keyward.js';

const kw = useTestKeyward();

async function events(filter: { keySet?: string; kid?: string } = {}): Promise<Event[]> {
  const page = await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 500, pageToken: '', ...filter });
  return page.events;
}

const summary = (event: Event) => ({
  type: event.type,
  kid: event.kid,
  actor: event.actor,
  reason: event.reason,
  outcome: event.outcome,
});

describe('Rotate', () => {
  it('records who asked, each time, and that the second request found a rotation under way', async () => {
    const keySet = 'audited-rotation';
    await kw.rpc.createKeySet(CreateKeySetRequest.fromPartial({ keySet, algorithm: 'ES256' }));
    const first = await kw.rpc.rotate({ keySet, reason: 'quarterly', mode: 0 });
    const second = await kw.rpc.rotate({ keySet, reason: 'asked again', mode: 0 });
    expect(second.alreadyPending).toBe(true);
    expect(second.newKey!.kid).toBe(first.newKey!.kid);

    const requests = (await events({ keySet })).filter((event) => event.type === 'key.rotation_requested');
    expect(requests.map(summary)).toEqual([
      {
        type: 'key.rotation_requested',
        kid: first.newKey!.kid,
        actor: ADMIN_ACTOR,
        reason: 'asked again',
        outcome: 'already_pending',
      },
      {
        type: 'key.rotation_requested',
        kid: first.newKey!.kid,
        actor: ADMIN_ACTOR,
        reason: 'quarterly',
        outcome: 'applied',
      },
    ]);
    // The first request also published the key, in the same transaction.
    const published = (await events({ kid: first.newKey!.kid })).filter((event) => event.type === 'key.published');
    expect(published.map(summary)).toEqual([
      { type: 'key.published', kid: first.newKey!.kid, actor: ADMIN_ACTOR, reason: 'quarterly', outcome: 'applied' },
    ]);
  });
});

describe('requests that change nothing', () => {
  it('RevokeApiToken on a revoked token: already_revoked, the first revocation time kept', async () => {
    const created = await kw.rpc.createApiToken({
      name: 'twice-revoked',
      grants: [{ keySet: 'default', scopes: [Scope.SCOPE_READ] }],
    });
    const id = created.token!.id;
    const first = await kw.rpc.revokeApiToken({ id, reason: 'leaked' });
    const second = await kw.rpc.revokeApiToken({ id, reason: 'leaked, again' });
    expect(second.token!.revokedAt).toEqual(first.token!.revokedAt);
    const revocations = (await events()).filter(
      (event) => event.type === 'api_token.revoked' && (JSON.parse(event.afterJson) as { id: string }).id === id,
    );
    expect(revocations.map((event) => [event.reason, event.outcome])).toEqual([
      ['leaked, again', 'already_revoked'],
      ['leaked', 'applied'],
    ]);
  });

  it('DisableUser on a disabled account: already_disabled, the first time kept', async () => {
    await kw.rpc.createUser({ username: 'leaver', password: 'a long enough passphrase', role: Role.ROLE_VIEWER });
    const first = await kw.rpc.disableUser({ username: 'leaver' });
    const second = await kw.rpc.disableUser({ username: 'leaver' });
    expect(second.user!.disabledAt).toEqual(first.user!.disabledAt);
    const disabled = (await events()).filter((event) => event.type === 'user.disabled');
    expect(disabled.map((event) => [event.actor, event.outcome])).toEqual([
      [ADMIN_ACTOR, 'already_disabled'],
      [ADMIN_ACTOR, 'applied'],
    ]);
  });

  it('UpdateKeySetPolicy asking for the policy the key set has: unchanged', async () => {
    const keySet = 'audited-policy';
    const created = await kw.rpc.createKeySet(CreateKeySetRequest.fromPartial({ keySet, algorithm: 'EdDSA' }));
    await kw.rpc.updateKeySetPolicy({ keySet, policy: created.keySet!.policy, reason: 'no-op' });
    const updates = (await events({ keySet })).filter((event) => event.type === 'key_set.policy_updated');
    expect(updates.map((event) => [event.reason, event.outcome])).toEqual([['no-op', 'unchanged']]);
  });

  it('RewrapKeys with every key under the newest master key: recorded, unchanged', async () => {
    const answer = await kw.rpc.rewrapKeys({});
    expect(answer.rewrapped).toBe(0);
    const runs = (await events()).filter((event) => event.type === 'master_keys.rewrapped');
    expect(runs.map(summary)).toEqual([
      { type: 'master_keys.rewrapped', kid: '', actor: ADMIN_ACTOR, reason: '', outcome: 'unchanged' },
    ]);
    expect(JSON.parse(runs[0]!.afterJson)).toEqual({ rewrapped: 0, remaining: 0, masterKeyId: answer.masterKeyId });
  });
});

describe('ListEvents filters', () => {
  const page = (filter: Partial<Parameters<typeof kw.rpc.listEvents>[0]>) =>
    kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 500, pageToken: '', ...filter });

  it('filters by type, actor and time, all at once, and binds a page token to its filters', async () => {
    const keySet = 'filtered';
    const start = new Date(Date.now() - 1_000);
    await kw.rpc.createKeySet(CreateKeySetRequest.fromPartial({ keySet, algorithm: 'ES256' }));
    await kw.rpc.rotate({ keySet, reason: 'one', mode: 0 });
    await kw.rpc.rotate({ keySet, reason: 'two', mode: 0 });
    const end = new Date(Date.now() + 1_000);

    const rotations = await page({ keySet, type: 'key.rotation_requested', actor: ADMIN_ACTOR, from: start, to: end });
    expect(rotations.events.map((event) => [event.type, event.reason, event.outcome])).toEqual([
      ['key.rotation_requested', 'two', 'already_pending'],
      ['key.rotation_requested', 'one', 'applied'],
    ]);
    expect((await page({ keySet, actor: 'user:nobody' })).events).toEqual([]);
    expect((await page({ keySet, from: end })).events).toEqual([]);
    expect((await page({ keySet, to: start })).events).toEqual([]);

    const first = await page({ keySet, type: 'key.rotation_requested', pageSize: 1 });
    expect(first.nextPageToken).not.toBe('');
    const other = await grpcError(page({ keySet, type: 'key.published', pageSize: 1, pageToken: first.nextPageToken }));
    expect([other.code, other.details]).toEqual([status.INVALID_ARGUMENT, expect.stringMatching(/^page_token: /)]);
  });

  it.each([
    [{ type: 'key.rotated' }, /^type: must be one of key_set\.created/],
    [{ actor: 'user:\u0000' }, /^actor: /],
    [{ from: new Date(2_000), to: new Date(1_000) }, /^to: must be after from/],
  ])('refuses %j with INVALID_ARGUMENT naming the field', async (filter, message) => {
    const error = await grpcError(page(filter));
    expect(error.code).toBe(status.INVALID_ARGUMENT);
    expect(error.details).toMatch(message);
  });
});
