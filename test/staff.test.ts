// @vitest-environment node
// Staff accounts end to end: roles, sessions signed by keyward-internal and verified like any
// Keyward token, logout and role changes ending sessions, throttling that never tells who exists.
import { status, type ServiceError } from '@grpc/grpc-js';
import { Role, RotationMode } from '@keyward/proto/keyward/v1';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestKeyward, useTestKeyward } from './support/keyward.js';
import { queryDatabase } from './support/sql.js';
import { statusOf } from './support/grpc-errors.js';

let now = new Date('2030-01-01T00:00:00Z');
const kw = useTestKeyward({ clock: () => now });
const PASSWORD = 'a password of decent length';

const login = async (username: string, password = PASSWORD) =>
  (await kw.rpc.login({ username, password }, null)).sessionToken;

beforeAll(async () => {
  for (const [username, role] of [
    ['vera', Role.ROLE_VIEWER],
    ['otto', Role.ROLE_OPERATOR],
    ['ada', Role.ROLE_ADMIN],
    ['lock-me', Role.ROLE_VIEWER],
  ] as const) {
    await kw.rpc.createUser({ username, password: PASSWORD, role });
  }
  await kw.rpc.createKeySet({ keySet: 'staffed', algorithm: 'ES256', kidScheme: 0 });
});

describe('accounts', () => {
  it('refuses short passwords, bad usernames and duplicates, and lists users without passwords', async () => {
    expect(
      await statusOf(kw.rpc.createUser({ username: 'shorty', password: 'too short', role: Role.ROLE_VIEWER })),
    ).toBe(status.INVALID_ARGUMENT);
    expect(
      await statusOf(kw.rpc.createUser({ username: 'Bad Name', password: PASSWORD, role: Role.ROLE_VIEWER })),
    ).toBe(status.INVALID_ARGUMENT);
    expect(await statusOf(kw.rpc.createUser({ username: 'x', password: PASSWORD, role: Role.ROLE_UNSPECIFIED }))).toBe(
      status.INVALID_ARGUMENT,
    );
    expect(await statusOf(kw.rpc.createUser({ username: 'vera', password: PASSWORD, role: Role.ROLE_VIEWER }))).toBe(
      status.ALREADY_EXISTS,
    );
    const { users } = await kw.rpc.listUsers({});
    expect(users.map((user) => [user.username, user.role])).toEqual([
      ['ada', Role.ROLE_ADMIN],
      ['lock-me', Role.ROLE_VIEWER],
      ['otto', Role.ROLE_OPERATOR],
      ['vera', Role.ROLE_VIEWER],
    ]);
    expect(JSON.stringify(users)).not.toContain(PASSWORD);
  });

  it('stores only a salted scrypt hash of each password', async () => {
    const rows = await queryDatabase<{ password_hash: string }>(kw.databaseUrl, 'SELECT password_hash FROM users');
    const hashes = rows.map((row) => row.password_hash);
    for (const hash of hashes) {
      expect(hash).toMatch(/^scrypt:v1:32768:8:1:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]{43}$/);
      expect(hash).not.toContain(PASSWORD);
    }
    expect(new Set(hashes).size).toBe(hashes.length); // one salt per user
  });
});

describe('sessions', () => {
  it('signs a session token that jose verifies against the keyward-internal jwks_uri', async () => {
    const token = await login('vera');
    const jwks = createRemoteJWKSet(new URL(`${kw.httpUrl}/key-sets/keyward-internal/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, { issuer: 'keyward', currentDate: now });
    expect(payload).toMatchObject({ name: 'vera', role: 'viewer', exp: Math.floor(now.getTime() / 1000) + 900 });
    expect(await kw.rpc.whoAmI({}, token)).toMatchObject({ principal: 'user:vera' });
  });

  it('gives each role what it may do and no more', async () => {
    const [vera, otto, ada] = [await login('vera'), await login('otto'), await login('ada')];
    const rotate = (token: string) =>
      kw.rpc.rotate({ keySet: 'staffed', reason: 'staff', mode: RotationMode.ROTATION_MODE_SCHEDULED }, token);
    const policy = (token: string) => kw.rpc.updateKeySetPolicy({ keySet: 'staffed', reason: 'staff' }, token);
    expect(await statusOf(kw.rpc.getJwks({ keySet: 'staffed' }, vera))).toBe('ok');
    expect(await statusOf(rotate(vera))).toBe(status.PERMISSION_DENIED);
    expect(await statusOf(rotate(otto))).toBe('ok');
    expect(await statusOf(policy(otto))).toBe(status.PERMISSION_DENIED);
    expect(
      await statusOf(kw.rpc.createUser({ username: 'eve', password: PASSWORD, role: Role.ROLE_ADMIN }, otto)),
    ).toBe(status.PERMISSION_DENIED);
    expect(await statusOf(policy(ada))).toBe('ok');
    expect(await statusOf(kw.rpc.sign({ keySet: 'staffed', claimsJson: '{}' }, otto))).toBe(status.PERMISSION_DENIED);
  });

  it('ends a session on logout, on a role change, when the user is disabled, and when it expires', async () => {
    const out = await login('vera');
    await kw.rpc.logout({}, out);
    expect(await statusOf(kw.rpc.whoAmI({}, out))).toBe(status.UNAUTHENTICATED);

    const before = await login('otto');
    await kw.rpc.setUserRole({ username: 'otto', role: Role.ROLE_VIEWER });
    expect(await statusOf(kw.rpc.whoAmI({}, before))).toBe(status.UNAUTHENTICATED);
    expect((await kw.rpc.login({ username: 'otto', password: PASSWORD }, null)).role).toBe(Role.ROLE_VIEWER);

    const ada = await login('ada');
    await kw.rpc.disableUser({ username: 'ada' });
    expect(await statusOf(kw.rpc.whoAmI({}, ada))).toBe(status.UNAUTHENTICATED);
    const refused = await kw.rpc.login({ username: 'ada', password: PASSWORD }, null).catch((e: ServiceError) => e);
    expect((refused as ServiceError).details).toBe('invalid username or password');

    const expiring = await login('vera');
    now = new Date(now.getTime() + 901_000);
    expect(await statusOf(kw.rpc.whoAmI({}, expiring))).toBe(status.UNAUTHENTICATED);
  });

  it('refuses an API token at Logout, and a session token that was tampered with', async () => {
    expect(await statusOf(kw.rpc.logout({}))).toBe(status.FAILED_PRECONDITION);
    const token = await login('vera');
    const [h, p, s] = token.split('.') as [string, string, string];
    const forged = Buffer.from(p, 'base64url').toString().replace('"viewer"', '"admin"');
    expect(await statusOf(kw.rpc.whoAmI({}, `${h}.${Buffer.from(forged).toString('base64url')}.${s}`))).toBe(
      status.UNAUTHENTICATED,
    );
  });
});

describe('throttling', () => {
  it('locks a username after five failures, the same whether it exists or not, and releases it later', async () => {
    for (const username of ['lock-me', 'no-such-user']) {
      for (let i = 0; i < 5; i += 1) {
        const failure = await kw.rpc
          .login({ username, password: 'wrong password here' }, null)
          .catch((e: ServiceError) => e);
        expect([(failure as ServiceError).code, (failure as ServiceError).details]).toEqual([
          status.UNAUTHENTICATED,
          'invalid username or password',
        ]);
      }
      const locked = await kw.rpc.login({ username, password: PASSWORD }, null).catch((e: ServiceError) => e);
      expect((locked as ServiceError).code).toBe(status.RESOURCE_EXHAUSTED);
      expect((locked as ServiceError).details).toBe('too many failed logins for this username; try again in 900s');
    }
    now = new Date(now.getTime() + 15 * 60_000);
    expect(await statusOf(kw.rpc.login({ username: 'lock-me', password: PASSWORD }, null))).toBe('ok');
  });

  it('counts failures on every replica together, and a replica started afterwards still refuses', async () => {
    await kw.rpc.createUser({ username: 'shared', password: PASSWORD, role: Role.ROLE_VIEWER });
    const replica = () => startTestKeyward({ databaseUrl: kw.databaseUrl, masterKey: kw.masterKey, clock: () => now });
    const other = await replica();
    try {
      for (let i = 0; i < 5; i += 1) {
        const through = i % 2 === 0 ? kw : other;
        expect(await statusOf(through.rpc.login({ username: 'shared', password: 'wrong password here' }, null))).toBe(
          status.UNAUTHENTICATED,
        );
      }
      for (const through of [kw, other]) {
        expect(await statusOf(through.rpc.login({ username: 'shared', password: PASSWORD }, null))).toBe(
          status.RESOURCE_EXHAUSTED,
        );
      }
    } finally {
      await other.stop();
    }
    const restarted = await replica();
    try {
      expect(await statusOf(restarted.rpc.login({ username: 'shared', password: PASSWORD }, null))).toBe(
        status.RESOURCE_EXHAUSTED,
      );
    } finally {
      await restarted.stop();
    }
  });

  it('records logins, failed logins and logouts as audit events, and stores no username that does not exist', async () => {
    const typo = 'not-a-user-but-a-password-42';
    const newestId = async () =>
      Math.max(
        0,
        ...(await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 500, pageToken: '' })).events.map((event) =>
          Number(event.id),
        ),
      );
    const before = await newestId();
    const session = await login('otto');
    await kw.rpc.logout({}, session);
    expect(await statusOf(kw.rpc.login({ username: 'otto', password: 'wrong password here' }, null))).toBe(
      status.UNAUTHENTICATED,
    );
    expect(await statusOf(kw.rpc.login({ username: typo, password: 'wrong password here' }, null))).toBe(
      status.UNAUTHENTICATED,
    );

    const events = (await kw.rpc.listEvents({ keySet: '', kid: '', pageSize: 500, pageToken: '' })).events
      .filter((event) => Number(event.id) > before)
      .sort((a, b) => Number(a.id) - Number(b.id));
    expect(events.map((event) => [event.type, event.actor, event.reason, event.keySet, event.outcome])).toEqual([
      ['user.logged_in', 'user:otto', '', '', 'applied'],
      ['user.logged_out', 'user:otto', '', '', 'applied'],
      ['user.login_failed', 'anonymous', 'wrong password', '', 'refused'],
      ['user.login_failed', 'anonymous', 'unknown username', '', 'refused'],
    ]);
    const [loggedIn, loggedOut, wrong, unknown] = events.map(
      (event) => JSON.parse(event.afterJson) as Record<string, unknown>,
    );
    expect(loggedIn).toMatchObject({ username: 'otto', sessionId: loggedOut?.sessionId });
    expect(wrong).toEqual({ username: 'otto', failures: 1, lockedUntil: null });
    expect(unknown).toEqual({ username: null, failures: 1, lockedUntil: null });

    // Neither the events nor the throttle's records hold the unknown username, in any column.
    const dump = await queryDatabase<{ events: string; failures: string }>(
      kw.databaseUrl,
      `SELECT (SELECT coalesce(json_agg(e), '[]') FROM key_events e)::text AS events,
              (SELECT coalesce(json_agg(f), '[]') FROM login_failures f)::text AS failures`,
    );
    expect(dump[0]?.events).not.toContain(typo);
    expect(dump[0]?.failures).not.toContain(typo);
    expect(dump[0]?.failures).not.toContain(Buffer.from(typo).toString('hex'));
  });

  it('never logs a password or a session token', async () => {
    const token = await login('vera');
    const logs = kw.logs.join('\n');
    expect(logs).not.toContain(PASSWORD);
    expect(logs).not.toContain(token);
  });
});
