// @vitest-environment node
// Every RPC of the service definition against every kind of caller: nobody gets in where they
// don't belong, and the one principal that should gets through.
import { status } from '@grpc/grpc-js';
import { KeyServiceService, Role, RotationMode, Scope, StatsGroupBy, VerifyReason } from '@keyward/proto/keyward/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { RPC_PERMISSIONS, type KeyServiceMethod } from '../server/src/auth/permissions.js';
import { TEST_ADMIN_TOKEN, useTestKeyward } from './support/keyward.js';
import { statusOf } from './support/grpc-errors.js';

type Rpcs = ReturnType<typeof useTestKeyward>['rpc'];

let now = new Date('2030-01-01T00:00:00Z');
const kw = useTestKeyward({ clock: () => now });

const ALL_BUT = (...excluded: Scope[]) =>
  [
    Scope.SCOPE_SIGN,
    Scope.SCOPE_VERIFY,
    Scope.SCOPE_DECRYPT,
    Scope.SCOPE_READ,
    Scope.SCOPE_OPERATE,
    Scope.SCOPE_REPORT,
    Scope.SCOPE_ADMIN,
  ].filter((scope) => !excluded.includes(scope));

const secrets: Record<string, string> = {};
const sessions: Record<string, string> = {};
const VIEWER_PASSWORD = 'correct horse battery staple';
let revocableKid = '';
let revocableTokenId = '';

async function token(name: string, grants: { keySet: string; scopes: Scope[] }[], ttlSeconds?: number) {
  const created = await kw.rpc.createApiToken({
    name,
    grants,
    ...(ttlSeconds === undefined ? {} : { ttl: { seconds: String(ttlSeconds), nanos: 0 } }),
  });
  secrets[name] = created.secret;
  return created;
}

beforeAll(async () => {
  for (const name of ['alpha', 'beta']) {
    await kw.rpc.createKeySet({ keySet: name, algorithm: 'ES256', kidScheme: 0 });
  }
  // A retired key in alpha, for RevokeKey.
  const first = await kw.rpc.getKeySet({ keySet: 'alpha' });
  revocableKid = first.keySet!.activeKid;
  await kw.rpc.rotate({ keySet: 'alpha', reason: 'setup', mode: RotationMode.ROTATION_MODE_IMMEDIATE });

  await token('alpha-sign', [{ keySet: 'alpha', scopes: [Scope.SCOPE_SIGN] }]);
  await token('alpha-verify', [{ keySet: 'alpha', scopes: [Scope.SCOPE_VERIFY] }]);
  await token('alpha-read', [{ keySet: 'alpha', scopes: [Scope.SCOPE_READ] }]);
  await token('alpha-admin', [{ keySet: 'alpha', scopes: [Scope.SCOPE_ADMIN] }]);
  await token('alpha-no-sign', [{ keySet: 'alpha', scopes: ALL_BUT(Scope.SCOPE_SIGN, Scope.SCOPE_ADMIN) }]);
  await token('alpha-no-verify', [{ keySet: 'alpha', scopes: ALL_BUT(Scope.SCOPE_VERIFY, Scope.SCOPE_ADMIN) }]);
  await token('alpha-no-read', [{ keySet: 'alpha', scopes: ALL_BUT(Scope.SCOPE_READ, Scope.SCOPE_ADMIN) }]);
  await token('alpha-no-admin', [{ keySet: 'alpha', scopes: ALL_BUT(Scope.SCOPE_ADMIN) }]);
  await token('alpha-no-operate', [{ keySet: 'alpha', scopes: ALL_BUT(Scope.SCOPE_OPERATE, Scope.SCOPE_ADMIN) }]);
  await token('alpha-operate', [{ keySet: 'alpha', scopes: [Scope.SCOPE_OPERATE] }]);
  await token('alpha-report', [{ keySet: 'alpha', scopes: [Scope.SCOPE_REPORT] }]);
  await token('alpha-no-report', [{ keySet: 'alpha', scopes: ALL_BUT(Scope.SCOPE_REPORT, Scope.SCOPE_ADMIN) }]);
  await token('beta-everything', [{ keySet: 'beta', scopes: ALL_BUT() }]);
  await token('expiring', [{ keySet: '*', scopes: [Scope.SCOPE_ADMIN] }], 60);
  const revoked = await token('revoked', [{ keySet: '*', scopes: [Scope.SCOPE_ADMIN] }]);
  await kw.rpc.revokeApiToken({ id: revoked.token!.id, reason: 'test' });
  revocableTokenId = (await token('throwaway', [{ keySet: 'alpha', scopes: [Scope.SCOPE_READ] }])).token!.id;
  await kw.rpc.createUser({ username: 'viewer', password: VIEWER_PASSWORD, role: Role.ROLE_VIEWER });
  sessions['viewer'] = (await kw.rpc.login({ username: 'viewer', password: VIEWER_PASSWORD }, null)).sessionToken;
  sessions['logout'] = (await kw.rpc.login({ username: 'viewer', password: VIEWER_PASSWORD }, null)).sessionToken;
  // The expiring token is now past its lifetime.
  now = new Date(now.getTime() + 61_000);
});

/** A valid request per RPC, aimed at key set alpha, and who is the least that may make it. */
const CASES: {
  readonly [M in KeyServiceMethod]: { call: (rpc: Rpcs, token: string | null) => Promise<unknown>; least: string };
} = {
  createKeySet: {
    call: (rpc, t) => rpc.createKeySet({ keySet: 'alpha-2', algorithm: 'ES256', kidScheme: 0 }, t),
    least: 'admin',
  },
  getKeySet: { call: (rpc, t) => rpc.getKeySet({ keySet: 'alpha' }, t), least: 'alpha-read' },
  listKeySets: { call: (rpc, t) => rpc.listKeySets({}, t), least: 'any' },
  sign: { call: (rpc, t) => rpc.sign({ keySet: 'alpha', claimsJson: '{"sub":"s"}' }, t), least: 'alpha-sign' },
  getJwks: { call: (rpc, t) => rpc.getJwks({ keySet: 'alpha' }, t), least: 'alpha-read' },
  verify: { call: (rpc, t) => rpc.verify({ keySet: 'alpha', jws: 'not.a.token' }, t), least: 'alpha-verify' },
  verifyBatch: {
    call: (rpc, t) => rpc.verifyBatch({ keySet: 'alpha', items: [{ jws: 'not.a.token' }] }, t),
    least: 'alpha-verify',
  },
  rotate: {
    call: (rpc, t) => rpc.rotate({ keySet: 'alpha', reason: 'r', mode: RotationMode.ROTATION_MODE_SCHEDULED }, t),
    least: 'alpha-operate',
  },
  listKeys: { call: (rpc, t) => rpc.listKeys({ keySet: 'alpha' }, t), least: 'alpha-read' },
  revokeKey: {
    call: (rpc, t) => rpc.revokeKey({ kid: revocableKid, reason: 'compromised' }, t),
    least: 'alpha-operate',
  },
  updateKeySetPolicy: {
    call: (rpc, t) => rpc.updateKeySetPolicy({ keySet: 'alpha', reason: 'no change' }, t),
    least: 'alpha-admin',
  },
  listEvents: {
    call: (rpc, t) => rpc.listEvents({ keySet: 'alpha', kid: '', pageSize: 0, pageToken: '' }, t),
    least: 'alpha-read',
  },
  getKeyTimeline: { call: (rpc, t) => rpc.getKeyTimeline({ keySet: 'alpha' }, t), least: 'alpha-read' },
  getRotationReadiness: { call: (rpc, t) => rpc.getRotationReadiness({ keySet: 'alpha' }, t), least: 'alpha-read' },
  createApiToken: {
    call: (rpc, t) =>
      rpc.createApiToken({ name: 'made-by-test', grants: [{ keySet: 'alpha', scopes: [Scope.SCOPE_READ] }] }, t),
    least: 'admin',
  },
  listApiTokens: { call: (rpc, t) => rpc.listApiTokens({}, t), least: 'admin' },
  revokeApiToken: { call: (rpc, t) => rpc.revokeApiToken({ id: revocableTokenId, reason: 'test' }, t), least: 'admin' },
  whoAmI: { call: (rpc, t) => rpc.whoAmI({}, t), least: 'any' },
  rewrapKeys: { call: (rpc, t) => rpc.rewrapKeys({}, t), least: 'admin' },
  createUser: {
    call: (rpc, t) =>
      rpc.createUser({ username: 'made-by-test', password: 'a long enough password', role: Role.ROLE_VIEWER }, t),
    least: 'admin',
  },
  listUsers: { call: (rpc, t) => rpc.listUsers({}, t), least: 'admin' },
  setUserRole: {
    call: (rpc, t) => rpc.setUserRole({ username: 'made-by-test', role: Role.ROLE_OPERATOR }, t),
    least: 'admin',
  },
  disableUser: { call: (rpc, t) => rpc.disableUser({ username: 'made-by-test' }, t), least: 'admin' },
  login: { call: (rpc) => rpc.login({ username: 'viewer', password: VIEWER_PASSWORD }, null), least: 'public' },
  logout: { call: (rpc, t) => rpc.logout({}, t), least: 'session' },
  reportVerificationFailures: {
    call: (rpc, t) =>
      rpc.reportVerificationFailures(
        {
          keySet: 'alpha',
          items: [{ kid: 'k', reason: VerifyReason.VERIFY_REASON_UNKNOWN_KID, alg: '', count: 1, windowStart: now }],
        },
        t,
      ),
    least: 'alpha-report',
  },
  getVerificationStats: {
    call: (rpc, t) =>
      rpc.getVerificationStats(
        {
          keySet: 'alpha',
          from: new Date(now.getTime() - 3_600_000),
          to: now,
          step: { seconds: '60', nanos: 0 },
          groupBy: StatsGroupBy.STATS_GROUP_BY_REASON,
        },
        t,
      ),
    least: 'alpha-read',
  },
  diagnoseVerificationFailures: {
    call: (rpc, t) =>
      rpc.diagnoseVerificationFailures({ keySet: 'alpha', from: new Date(now.getTime() - 3_600_000), to: now }, t),
    least: 'alpha-read',
  },
  getSignatureStats: {
    call: (rpc, t) =>
      rpc.getSignatureStats(
        {
          keySet: 'alpha',
          kid: '',
          from: new Date(now.getTime() - 3_600_000),
          to: now,
          step: { seconds: '60', nanos: 0 },
        },
        t,
      ),
    least: 'alpha-read',
  },
};

/** Who lacks exactly what each kind of RPC needs. */
function lacking(method: KeyServiceMethod): string {
  const requirement = RPC_PERMISSIONS[method];
  if (requirement === 'any' || requirement === 'public') throw new Error('no scope to lack');
  const target = requirement.target(CASES_REQUEST_TARGET as never, { keySetOfKid: () => 'alpha' });
  if (target === 'service') return 'alpha-admin';
  return {
    sign: 'alpha-no-sign',
    verify: 'alpha-no-verify',
    read: 'alpha-no-read',
    operate: 'alpha-no-operate',
    admin: 'alpha-no-admin',
    report: 'alpha-no-report',
  }[requirement.scope as 'sign' | 'verify' | 'read' | 'operate' | 'admin' | 'report'];
}
// Every target function reads at most these fields of the request.
const CASES_REQUEST_TARGET = { name: 'alpha', keySet: 'alpha', kid: revocableKid };

const secretOf = (name: string) => (name === 'admin' ? TEST_ADMIN_TOKEN : secrets[name]!);
const METHODS = Object.keys(KeyServiceService) as KeyServiceMethod[];

describe('the table of cases covers the service definition', () => {
  it('has a case and a requirement for every RPC the service exposes', () => {
    expect(Object.keys(CASES).sort()).toEqual([...METHODS].sort());
    expect(Object.keys(RPC_PERMISSIONS).sort()).toEqual([...METHODS].sort());
  });
});

describe.each(METHODS.filter((method) => CASES[method].least !== 'public'))('%s', (method) => {
  const { call, least } = CASES[method];

  it.each([
    ['no token', null],
    ['a garbage token', 'kw_garbage'],
    ['an expired token', 'expiring'],
    ['a revoked token', 'revoked'],
  ])('refuses %s with UNAUTHENTICATED', async (_label, name) => {
    const presented = name === null || name.startsWith('kw_') ? name : secrets[name]!;
    expect(await statusOf(call(kw.rpc, presented))).toBe(status.UNAUTHENTICATED);
  });

  if (least !== 'any' && least !== 'session') {
    it('refuses a token of another key set with PERMISSION_DENIED', async () => {
      expect(await statusOf(call(kw.rpc, secrets['beta-everything']!))).toBe(status.PERMISSION_DENIED);
    });

    it('refuses a token lacking the scope with PERMISSION_DENIED', async () => {
      expect(await statusOf(call(kw.rpc, secrets[lacking(method)]!))).toBe(status.PERMISSION_DENIED);
    });
  }

  // A viewer's session reads everything and may do nothing else.
  const viewerMay = (RPC_PERMISSIONS[method] as { scope?: string }).scope === 'read' || least === 'any';
  if (least !== 'session') {
    it(`answers a viewer session with ${viewerMay ? 'success' : 'PERMISSION_DENIED'}`, async () => {
      expect(await statusOf(call(kw.rpc, sessions['viewer']!))).toBe(viewerMay ? 'ok' : status.PERMISSION_DENIED);
    });
  }

  it(`lets ${least === 'any' ? 'any valid token' : least} through`, async () => {
    const name = least === 'any' ? 'beta-everything' : least;
    expect(await statusOf(call(kw.rpc, least === 'session' ? sessions['logout']! : secretOf(name)))).toBe('ok');
  });
});

describe('login', () => {
  it('needs no token, and answers a wrong password like an unknown user', async () => {
    expect(await statusOf(CASES.login.call(kw.rpc, null))).toBe('ok');
    const wrong = await statusOf(kw.rpc.login({ username: 'viewer', password: 'not the password at all' }, null));
    const unknown = await statusOf(
      kw.rpc.login({ username: 'nobody-here', password: 'not the password at all' }, null),
    );
    expect([wrong, unknown]).toEqual([status.UNAUTHENTICATED, status.UNAUTHENTICATED]);
  });
});

describe('what scoped tokens see', () => {
  it('lists only the key sets a token may read', async () => {
    const { keySets } = await kw.rpc.listKeySets({}, secrets['alpha-read']);
    expect(keySets.map((keySet) => keySet.name)).toEqual(['alpha']);
    const { keySets: none } = await kw.rpc.listKeySets({}, secrets['alpha-sign']);
    expect(none).toEqual([]);
  });

  it('says who the caller is and what it may do', async () => {
    expect(await kw.rpc.whoAmI({}, secrets['alpha-sign'])).toEqual({
      principal: 'token:alpha-sign',
      grants: [{ keySet: 'alpha', scopes: [Scope.SCOPE_SIGN] }],
      expiresAt: undefined,
    });
  });

  it('never returns a secret when listing tokens, and records who created each', async () => {
    const { tokens } = await kw.rpc.listApiTokens({});
    const listed = JSON.stringify(tokens);
    for (const secret of Object.values(secrets)) expect(listed).not.toContain(secret);
    expect(tokens.find((t) => t.name === 'alpha-sign')?.createdBy).toBe('token:KEYWARD_ADMIN_TOKEN');
  });

  it('makes a token usable as soon as CreateApiToken returns, and dead as soon as RevokeApiToken does', async () => {
    const created = await kw.rpc.createApiToken({
      name: 'short-lived',
      grants: [{ keySet: 'beta', scopes: [Scope.SCOPE_READ] }],
    });
    await expect(kw.rpc.whoAmI({}, created.secret)).resolves.toMatchObject({ principal: 'token:short-lived' });
    const revoked = await kw.rpc.revokeApiToken({ id: created.token!.id, reason: 'done' });
    expect(revoked.token?.revokedAt).toBeInstanceOf(Date);
    expect(await statusOf(kw.rpc.whoAmI({}, created.secret))).toBe(status.UNAUTHENTICATED);
  });

  it('refuses "*" for anything but admin, and unknown names', async () => {
    const star = await statusOf(
      kw.rpc.createApiToken({ name: 'x', grants: [{ keySet: '*', scopes: [Scope.SCOPE_SIGN] }] }),
    );
    expect(star).toBe(status.INVALID_ARGUMENT);
    const empty = await statusOf(kw.rpc.createApiToken({ name: 'y', grants: [] }));
    expect(empty).toBe(status.INVALID_ARGUMENT);
  });
});
