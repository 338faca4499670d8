// The `keyward` admin command, end to end: the compiled file run as a child process the way a user
// runs it (`node cli/dist/main.js ...`, token in KEYWARD_TOKEN), against a real service on a
// fresh database. `npm test` builds first; while developing, `npx tsc -b cli`.

import {
  Server,
  ServerCredentials,
  status,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
} from '@grpc/grpc-js';
import { KeyServiceService, VerifyReason, type WhoAmIRequest, type WhoAmIResponse } from '@keyward/proto/keyward/v1';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ADMIN_TOKEN, useTestKeyward } from './support/keyward.js';
import { makeTestPki } from './support/tls-certificates.js';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = fileURLToPath(new URL('../cli/dist/main.js', import.meta.url));

const kw = useTestKeyward();

interface Run {
  readonly args: readonly string[];
  /** The token the run was given (KEYWARD_TOKEN or a token file), if any. */
  readonly token: string | undefined;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Staff passwords (with spaces, which are part of a password), and a wrong one: none is ever printed. */
const PASSWORDS = {
  alice: `alice ${randomBytes(12).toString('base64url')}`,
  carol: `carol ${randomBytes(12).toString('base64url')}`,
  dave: `dave ${randomBytes(12).toString('base64url')}`,
  wrong: `wrong ${randomBytes(12).toString('base64url')}`,
};

/** Every run of this file, to check at the end that no token ever reached an output. */
const runs: Run[] = [];

interface RunOptions {
  /** Default: the admin token. null: no KEYWARD_TOKEN at all. */
  readonly token?: string | null;
  readonly env?: Readonly<Record<string, string>>;
  /** The token this run uses some other way (e.g. a token file), for the final check. */
  readonly usesToken?: string;
  /** Piped to standard input (default: nothing, the input ends at once). */
  readonly stdin?: string;
}

function keyward(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const token = options.token === undefined ? TEST_ADMIN_TOKEN : options.token;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    ...(options.env?.KEYWARD_SERVER === undefined ? { KEYWARD_SERVER: kw.grpcAddress } : {}),
    ...(token === null ? {} : { KEYWARD_TOKEN: token }),
    ...options.env,
  };
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  // A command that fails before reading its standard input closes the pipe: not the test's concern.
  child.stdin.on('error', () => {});
  child.stdin.end(options.stdin);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      const run: Run = { args, token: options.usesToken ?? token ?? undefined, code, stdout, stderr };
      runs.push(run);
      resolve(run);
    });
  });
}

/** A run that must succeed. */
async function ok(args: readonly string[], options: RunOptions = {}): Promise<Run> {
  const run = await keyward(args, options);
  expect(run.code, `keyward ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return run;
}

/** A run the service refuses: exit 1, nothing on standard output, one `keyward: <STATUS>: ...` line. */
async function refused(args: readonly string[], options: RunOptions, statusName: string): Promise<Run> {
  const run = await keyward(args, options);
  expect(run.code, `keyward ${args.join(' ')}: ${run.stderr}`).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(new RegExp(`^keyward: ${statusName}: [^\n]+\n$`));
  return run;
}

/** `keyward login` with the user's password piped in and no token at all: the session token. */
async function login(username: keyof typeof PASSWORDS): Promise<string> {
  const run = await ok(['login', username, '--password-stdin'], { token: null, stdin: `${PASSWORDS[username]}\n` });
  expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
  return run.stdout.trimEnd();
}

const LOGIN_FAILED = 'keyward: UNAUTHENTICATED: invalid username or password\n';

async function activeKid(keySet: string): Promise<string> {
  const run = await ok(['key-sets', 'get', keySet, '--json']);
  return (JSON.parse(run.stdout) as { keySet: { activeKid: string } }).keySet.activeKid;
}

/** `field  value` lines → value of `field`. */
function field(text: string, name: string): string | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line?.slice(name.length).trim();
}

let scratch = '';
/** The kids of the rotation the tests make. */
const rotation = { before: '', after: '' };

beforeAll(async () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b cli)`);
  scratch = await mkdtemp(join(tmpdir(), 'keyward-cli-'));
});

afterAll(async () => {
  if (scratch !== '') await rm(scratch, { recursive: true, force: true });
});

describe('keyward (the admin command)', () => {
  it('creates key sets, and lists them as an aligned table and as JSON', async () => {
    const created = await ok(['key-sets', 'create', 'payments', '--algorithm', 'ES256']);
    expect(field(created.stdout, 'name')).toBe('payments');
    expect(field(created.stdout, 'algorithm')).toBe('ES256');
    expect(field(created.stdout, 'active kid')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await ok(['key-sets', 'create', 'other', '--algorithm', 'EdDSA', '--issuer', 'https://other.example']);

    const table = await ok(['key-sets', 'list']);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^NAME +ALGORITHM +ACTIVE KID +CREATED +JWKS URI$/);
    const payments = rows.find((row) => row.startsWith('payments '));
    expect(payments).toBeDefined();
    // Aligned: each value starts under its header.
    const kidColumn = header!.indexOf('ACTIVE KID');
    expect(payments!.slice(kidColumn, kidColumn + 43)).toBe(await activeKid('payments'));
    expect(payments!.slice(header!.indexOf('CREATED'))).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
    expect(rows.some((row) => row.startsWith('other '))).toBe(true);

    const json = JSON.parse((await ok(['key-sets', 'list', '--json'])).stdout) as {
      keySets: { name: string; algorithm: string }[];
    };
    expect(json.keySets.map((keySet) => keySet.name)).toEqual(expect.arrayContaining(['payments', 'other']));
    expect(json.keySets.find((keySet) => keySet.name === 'payments')?.algorithm).toBe('ES256');
  });

  it("signs a JWT that verifies with jose against the JWKS it prints, which is the gateway's document", async () => {
    const signed = await ok(['sign', 'payments', '--claims', '{"sub":"x","aud":"billing"}']);
    const jws = signed.stdout.trim();
    expect(jws.split('.')).toHaveLength(3);

    const jwks = await ok(['jwks', 'payments']);
    expect(jwks.stderr).toMatch(/^ETag: "[^"]+"\n$/);
    const served = await fetch(`${kw.httpUrl}/key-sets/payments/.well-known/jwks.json`);
    expect(jwks.stdout).toBe(await served.text());
    expect(jwks.stderr).toBe(`ETag: ${served.headers.get('etag')}\n`);

    const { payload, protectedHeader } = await jwtVerify(
      jws,
      createLocalJWKSet(JSON.parse(jwks.stdout) as JSONWebKeySet),
      {
        audience: 'billing',
      },
    );
    expect(payload.sub).toBe('x');
    expect(protectedHeader).toMatchObject({ alg: 'ES256', kid: await activeKid('payments') });
  });

  it('rotate --immediate changes the active kid, and keys list shows both keys', async () => {
    const before = await activeKid('payments');
    const rotated = await ok(['rotate', 'payments', '--reason', 'cli rotation test', '--immediate']);
    const after = await activeKid('payments');
    expect(after).not.toBe(before);
    Object.assign(rotation, { before, after });
    expect(field(rotated.stdout, 'new kid')).toBe(after);
    expect(field(rotated.stdout, 'previous kid')).toBe(before);

    const keys = await ok(['keys', 'list', 'payments']);
    expect(keys.stdout).toMatch(new RegExp(`^${after} +ES256 +ACTIVE `, 'm'));
    expect(keys.stdout).toMatch(new RegExp(`^${before} +ES256 +RETIRED `, 'm'));

    const timeline = await ok(['keys', 'timeline', 'payments']);
    expect(timeline.stdout).toMatch(new RegExp(`^${after} +ES256 +ACTIVE +\\S+ +\\S+ +now$`, 'm'));
  });

  it('events lists the rotation, with its reason and actor', async () => {
    const events = await ok(['events', '--key-set', 'payments']);
    expect(events.stdout.split('\n')[0]).toMatch(/^ID +TIME +TYPE +OUTCOME +KEY SET +KID +ACTOR +REASON$/);
    // An immediate rotation: the old key retires and the new one activates, both with the reason.
    expect(events.stdout).toMatch(
      new RegExp(` key\\.retired +applied +payments +${rotation.before} +token:\\S+ +cli rotation test$`, 'm'),
    );
    expect(events.stdout).toMatch(
      new RegExp(` key\\.activated +applied +payments +${rotation.after} +token:\\S+ +cli rotation test$`, 'm'),
    );

    // A kid (base64url) may start with "-": given with "=", it cannot be taken for an option.
    const json = JSON.parse((await ok(['events', `--kid=${rotation.after}`, '--json'])).stdout) as {
      events: { type: string; reason?: string; keySet: string; kid: string }[];
    };
    expect(json.events).toContainEqual(
      expect.objectContaining({
        type: 'key.activated',
        reason: 'cli rotation test',
        keySet: 'payments',
        kid: rotation.after,
      }),
    );

    // --limit follows pages up to the limit and no further.
    const limited = JSON.parse((await ok(['events', '--limit', '2', '--json'])).stdout) as { events: unknown[] };
    expect(limited.events).toHaveLength(2);
  });

  it('tokens create prints the secret once; it works for whoami and signs only its key set; revoked, it is refused', async () => {
    const created = await ok(['tokens', 'create', 'payments-issuer', '--grant', 'payments:sign,read', '--ttl', '1d']);
    expect(created.stdout).toContain('Store the secret now: it is not shown again');
    const secret = field(created.stdout, 'secret');
    const id = field(created.stdout, 'id');
    expect(secret).toMatch(/^kw_\S+$/);
    expect(id).toBeDefined();

    const listed = await ok(['tokens', 'list']);
    expect(listed.stdout).toMatch(new RegExp(`^${id} +payments-issuer +payments:sign,read +active `, 'm'));
    expect(listed.stdout).not.toContain(secret!);

    const whoami = await ok(['whoami'], { token: secret! });
    expect(field(whoami.stdout, 'principal')).toBe('token:payments-issuer');
    expect(field(whoami.stdout, 'grants')).toBe('payments:sign,read');

    const signed = await ok(['sign', 'payments', '--claims', '{"sub":"issuer"}'], { token: secret! });
    expect(signed.stdout.trim().split('.')).toHaveLength(3);

    const denied = await keyward(['sign', 'other', '--claims', '{"sub":"issuer"}'], { token: secret! });
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toBe('keyward: PERMISSION_DENIED: this token has no sign scope on key set "other"\n');

    await ok(['tokens', 'revoke', id!, '--reason', 'cli test done']);
    const refused = await keyward(['whoami'], { token: secret! });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^keyward: UNAUTHENTICATED: [^\n]+\n$/);
  });

  it('tokens create --json has the secret in the JSON document', async () => {
    const created = await ok(['tokens', 'create', 'reader', '--grant', 'payments:read', '--json']);
    const json = JSON.parse(created.stdout) as { token: { id: string; name: string }; secret: string };
    expect(json.token.name).toBe('reader');
    expect(json.secret).toMatch(/^kw_/);
    const whoami = JSON.parse((await ok(['whoami', '--json'], { token: json.secret })).stdout) as { principal: string };
    expect(whoami.principal).toBe('token:reader');
  });

  it('users create takes the password on standard input; users list shows the account, never a password', async () => {
    const created = await ok(['users', 'create', 'alice', '--role', 'operator', '--password-stdin'], {
      stdin: `${PASSWORDS.alice}\n`,
    });
    expect(field(created.stdout, 'username')).toBe('alice');
    expect(field(created.stdout, 'role')).toBe('operator');
    expect(field(created.stdout, 'status')).toBe('active');
    expect(field(created.stdout, 'created by')).toMatch(/^token:\S+$/);
    expect(field(created.stdout, 'disabled')).toBeUndefined();

    const table = await ok(['users', 'list']);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^USERNAME +ROLE +STATUS +CREATED +CREATED BY +DISABLED$/);
    expect(rows).toContainEqual(
      expect.stringMatching(/^alice +operator +active +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z +token:\S+ +-$/),
    );

    const json = JSON.parse((await ok(['users', 'list', '--json'])).stdout) as { users: Record<string, unknown>[] };
    const alice = json.users.find((user) => user.username === 'alice');
    expect(alice).toMatchObject({ role: 'ROLE_OPERATOR', createdBy: expect.stringMatching(/^token:/) as unknown });
    expect(Object.keys(alice!).sort()).toEqual(['createdAt', 'createdBy', 'role', 'username']);
  });

  it('users create refuses an empty standard input, an unknown role and a short password', async () => {
    for (const stdin of ['', '\n']) {
      const empty = await keyward(['users', 'create', 'bob', '--role', 'viewer', '--password-stdin'], { stdin });
      expect(empty.code).toBe(1);
      expect(empty.stderr).toMatch(
        /^keyward: --password-stdin: standard input is empty; pipe the password in [^\n]+\n$/,
      );
    }
    const role = await keyward(['users', 'create', 'bob', '--role', 'root', '--password-stdin'], {
      stdin: PASSWORDS.alice,
    });
    expect(role.code).toBe(2);
    expect(role.stderr).toBe(
      'keyward: --role must be one of viewer, operator, admin, got "root"\n' +
        'usage: keyward users create <username> --role <viewer|operator|admin> --password-stdin\n',
    );
    const short = await refused(
      ['users', 'create', 'bob', '--role', 'viewer', '--password-stdin'],
      { stdin: 'tooshort\n' },
      'INVALID_ARGUMENT',
    );
    expect(short.stderr).toMatch(/password/);
    const list = await ok(['users', 'list']);
    expect(list.stdout).not.toMatch(/^bob /m);
  });

  it('login needs no token and prints only the session token, which then works as KEYWARD_TOKEN', async () => {
    const run = await ok(['login', 'alice', '--password-stdin'], { token: null, stdin: PASSWORDS.alice });
    expect(run.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(run.stderr).toMatch(/^logged in as alice \(operator\) until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\n$/);
    const session = run.stdout.trimEnd();

    const whoami = await ok(['whoami'], { token: session });
    expect(field(whoami.stdout, 'principal')).toBe('user:alice');
    expect(field(whoami.stdout, 'grants')).toBe('*:read,operate');
    expect((await ok(['key-sets', 'list'], { token: session })).stdout).toMatch(/^payments +ES256 /m);

    // An operator reads and operates, and nothing else.
    await refused(
      ['tokens', 'create', 'by-alice', '--grant', 'payments:sign'],
      { token: session },
      'PERMISSION_DENIED',
    );
    await refused(['users', 'list'], { token: session }, 'PERMISSION_DENIED');

    const json = JSON.parse(
      (await ok(['login', 'alice', '--password-stdin', '--json'], { token: null, stdin: PASSWORDS.alice })).stdout,
    ) as {
      sessionToken: string;
      role: string;
      expiresAt: string;
    };
    expect(json.role).toBe('ROLE_OPERATOR');
    expect(Date.parse(json.expiresAt)).toBeGreaterThan(Date.now());
    expect(json.sessionToken).not.toBe(session);
    expect(field((await ok(['whoami'], { token: json.sessionToken })).stdout, 'principal')).toBe('user:alice');
  });

  it('a wrong password or an unknown user is one UNAUTHENTICATED line, the same for both, with no password in it', async () => {
    await ok(['users', 'create', 'carol', '--role', 'viewer', '--password-stdin'], { stdin: PASSWORDS.carol });
    for (const username of ['carol', 'nobody']) {
      const run = await keyward(['login', username, '--password-stdin'], {
        token: null,
        stdin: `${PASSWORDS.wrong}\n`,
      });
      expect(run).toMatchObject({ code: 1, stdout: '', stderr: LOGIN_FAILED });
    }
  });

  it("users set-role and users disable end the user's sessions; a disabled user cannot log in", async () => {
    await ok(['users', 'create', 'dave', '--role', 'viewer', '--password-stdin'], { stdin: PASSWORDS.dave });
    const asViewer = await login('dave');
    expect(field((await ok(['whoami'], { token: asViewer })).stdout, 'grants')).toBe('*:read');
    await refused(['rotate', 'payments', '--reason', 'viewer tries'], { token: asViewer }, 'PERMISSION_DENIED');

    const promoted = await ok(['users', 'set-role', 'dave', '--role', 'ADMIN']);
    expect(field(promoted.stdout, 'role')).toBe('admin');
    expect(field(promoted.stdout, 'sessions')).toBe('ended: the next login has the new role');
    await refused(['whoami'], { token: asViewer }, 'UNAUTHENTICATED');
    const asAdmin = await login('dave');
    expect(field((await ok(['whoami'], { token: asAdmin })).stdout, 'grants')).toBe('*:admin');

    const disabled = await ok(['users', 'disable', 'dave']);
    expect(field(disabled.stdout, 'status')).toBe('disabled');
    expect(field(disabled.stdout, 'disabled')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(field(disabled.stdout, 'sessions')).toBe('ended: it cannot log in again');
    await refused(['whoami'], { token: asAdmin }, 'UNAUTHENTICATED');
    const again = await keyward(['login', 'dave', '--password-stdin'], { token: null, stdin: PASSWORDS.dave });
    expect(again).toMatchObject({ code: 1, stdout: '', stderr: LOGIN_FAILED });
    expect((await ok(['users', 'list'])).stdout).toMatch(/^dave +admin +disabled +\S+ +token:\S+ +\d{4}-\S+Z$/m);

    await refused(['users', 'disable', 'nobody'], {}, 'NOT_FOUND');
  });

  it('logout ends the session it is given, and only a session', async () => {
    const session = await login('alice');
    const other = await login('alice');
    const run = await ok(['logout'], { token: session });
    expect(run.stdout).toBe('logged out: this session token no longer works\n');
    await refused(['whoami'], { token: session }, 'UNAUTHENTICATED');
    expect(field((await ok(['whoami'], { token: other })).stdout, 'principal')).toBe('user:alice');
    await refused(['logout'], {}, 'FAILED_PRECONDITION');
  });

  it('refuses a password argument with exit 2, without echoing it', async () => {
    for (const args of [
      ['users', 'create', 'erin', '--role', 'viewer', '--password', PASSWORDS.wrong],
      ['login', 'alice', `--password=${PASSWORDS.alice}`],
    ]) {
      const run = await keyward(args, { token: null });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        /^keyward: a password is never taken on the command line [^\n]+ --password-stdin\nusage: keyward /,
      );
    }
  });

  it('reads the token from a file (--token-file or KEYWARD_TOKEN_FILE), trimmed', async () => {
    const path = join(scratch, 'token');
    await writeFile(path, `  ${TEST_ADMIN_TOKEN}\n`, { mode: 0o600 });
    const viaFlag = await ok(['whoami', '--token-file', path], { token: null, usesToken: TEST_ADMIN_TOKEN });
    expect(field(viaFlag.stdout, 'grants')).toBe('*:admin');
    await ok(['whoami'], { token: null, env: { KEYWARD_TOKEN_FILE: path }, usesToken: TEST_ADMIN_TOKEN });
  });

  it('an unknown command or a missing argument exits 2 with a usage line', async () => {
    const unknown = await keyward(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toMatch(/^keyward: unknown command "frobnicate"\nusage: keyward /);

    const missing = await keyward(['keys', 'list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('keyward: missing <key-set>\nusage: keyward keys list <key-set>\n');

    const noReason = await keyward(['rotate', 'payments']);
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toMatch(/^keyward: missing --reason <text>\nusage: keyward rotate <key-set> --reason/);
  });

  it('a missing token exits 1 with a clear message; a token argument is refused without echoing it', async () => {
    const missing = await keyward(['whoami'], { token: null });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(
      /^keyward: no API token: set KEYWARD_TOKEN, or KEYWARD_TOKEN_FILE \/ --token-file [^\n]*\n$/,
    );

    const asArgument = await keyward(['whoami', `--token=${TEST_ADMIN_TOKEN}`], {
      token: null,
      usesToken: TEST_ADMIN_TOKEN,
    });
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toMatch(/^keyward: the API token is never taken on the command line/);
  });

  it('help lists every command', async () => {
    const help = await ok(['help'], { token: null });
    for (const command of [
      'key-sets list',
      'key-sets create <name>',
      'keys timeline',
      'rotate <key-set>',
      'revoke <kid>',
      'policy set',
      'jwks <key-set>',
      'events',
      'readiness <key-set>',
      'failures <key-set>',
      'signatures <key-set>',
      'sign <key-set>',
      'tokens create <name>',
      'tokens revoke <id>',
      'whoami',
      'rewrap',
      'users list',
      'users create <username>',
      'users set-role <username>',
      'users disable <username>',
      'login <username>',
      'logout',
    ]) {
      expect(help.stdout).toContain(`keyward ${command}`);
    }
    expect((await ok(['rotate', '--help'], { token: null })).stdout).toMatch(
      /^usage: keyward rotate <key-set> --reason <text> \[--immediate\]\n/,
    );
  });

  it('policy set changes the policy; readiness reports on the key set', async () => {
    const updated = await ok([
      'policy',
      'set',
      'payments',
      '--rotation-period',
      '60d',
      '--auto-rotate',
      'off',
      '--reason',
      'cli policy test',
    ]);
    expect(field(updated.stdout, 'rotation period')).toBe('60d');
    expect(field(updated.stdout, 'auto-rotate')).toBe('off');

    const readiness = await ok(['readiness', 'payments']);
    expect(field(readiness.stdout, 'pending kid')).toBe('none (no rotation under way)');
  });

  it('failures diagnoses the kids that failed to verify, as a table and as JSON', async () => {
    const kid = await activeKid('payments');
    const windowStart = new Date();
    await kw.rpc.reportVerificationFailures({
      keySet: 'payments',
      items: [
        { kid, reason: VerifyReason.VERIFY_REASON_EXPIRED, alg: 'ES256', count: 4, windowStart },
        { kid: 'made-up', reason: VerifyReason.VERIFY_REASON_UNKNOWN_KID, alg: '', count: 2, windowStart },
      ],
    });
    await kw.running.flushUsage();
    const run = await ok(['failures', 'payments', '--since', '1h']);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^KID +KIND +FAILURES +REASONS +ADVICE$/);
    expect(rows[0]).toMatch(new RegExp(`^${kid} +ACTIVE_KEY +4 +EXPIRED 4 +\\S`));
    expect(rows[1]).toMatch(/^unknown +UNKNOWN +2 +UNKNOWN_KID 2 +\S/);
    expect(rows[2]).toMatch(/^made-up +UNKNOWN +0 +\S/);
    const json = JSON.parse((await ok(['failures', 'payments', '--json'])).stdout) as {
      kids: { kid: string; kind: string; failures?: string }[];
    };
    // Proto3 JSON leaves out zeros: the sampled kid carries no count of its own.
    expect(json.kids.map(({ kid, kind, failures }) => [kid, kind, failures ?? '0'])).toEqual([
      [kid, 'FAILING_KID_KIND_ACTIVE_KEY', '4'],
      ['unknown', 'FAILING_KID_KIND_UNKNOWN', '2'],
      ['made-up', 'FAILING_KID_KIND_UNKNOWN', '0'],
    ]);
    const bad = await keyward(['failures', 'payments', '--since', '1.5h']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since');
  });

  it('signatures counts the signatures of each key, as a table and as JSON', async () => {
    const kid = await activeKid('payments');
    await kw.running.flushUsage();
    const before = await kw.rpc.getSignatureStats({
      keySet: 'payments',
      kid,
      from: new Date(Date.now() - 3_600_000),
      to: new Date(Date.now() + 60_000),
      step: { seconds: '60', nanos: 0 },
    });
    const earlier = before.series.flatMap((s) => s.points).reduce((sum, p) => sum + Number(p.count), 0);
    for (let i = 0; i < 3; i += 1) await kw.rpc.sign({ keySet: 'payments', claimsJson: '{}' });
    await kw.running.flushUsage();
    const run = await ok(['signatures', 'payments', '--since', '1h']);
    const [header, ...rows] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^KID +SIGNATURES$/);
    expect(rows).toContainEqual(expect.stringMatching(new RegExp(`^${kid} +${earlier + 3}$`)));
    const json = JSON.parse((await ok(['signatures', 'payments', '--kid', kid, '--json'])).stdout) as {
      series: { key: string; points: { count?: string }[] }[];
    };
    expect(json.series.map((s) => s.key)).toEqual([kid]);
    expect(json.series[0]!.points.reduce((sum, p) => sum + Number(p.count ?? '0'), 0)).toBeGreaterThanOrEqual(
      earlier + 3,
    );
    const missing = await keyward(['signatures', 'payments', '--kid', 'no-such-kid']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('no-such-kid');
  });

  it('rewrap re-wraps nothing when every key is already under the only master key', async () => {
    const run = await ok(['rewrap']);
    expect(field(run.stdout, 'rewrapped')).toBe('0');
    expect(field(run.stdout, 'remaining')).toBe('0');
    expect(field(run.stdout, 'master key')).toBe(kw.masterKey.id);
  });

  it('talks TLS with --ca (KEYWARD_CA), and mutual TLS with --cert and --key', async () => {
    const pki = await makeTestPki(scratch);
    const tls = await startWhoAmIServer(
      ServerCredentials.createSsl(pki.caPem, [{ cert_chain: pki.serverCert, private_key: pki.serverKey }], false),
    );
    const mutual = await startWhoAmIServer(
      ServerCredentials.createSsl(pki.caPem, [{ cert_chain: pki.serverCert, private_key: pki.serverKey }], true),
    );
    try {
      const overTls = await ok(['whoami', '--ca', pki.paths.ca], { env: { KEYWARD_SERVER: tls.address } });
      expect(field(overTls.stdout, 'principal')).toBe('token:over-tls');
      await ok(['whoami'], { env: { KEYWARD_SERVER: tls.address, KEYWARD_CA: pki.paths.ca } });

      const plaintext = await keyward(['whoami'], { env: { KEYWARD_SERVER: tls.address } });
      expect(plaintext.code).toBe(1);
      expect(plaintext.stderr).toMatch(/^keyward: UNAVAILABLE: [^\n]+\n$/);

      const withCertificate = [
        'whoami',
        '--ca',
        pki.paths.ca,
        '--cert',
        pki.paths.clientCert,
        '--key',
        pki.paths.clientKey,
      ];
      expect(field((await ok(withCertificate, { env: { KEYWARD_SERVER: mutual.address } })).stdout, 'principal')).toBe(
        'token:over-tls',
      );
      await ok(['whoami'], {
        env: {
          KEYWARD_SERVER: mutual.address,
          KEYWARD_CA: pki.paths.ca,
          KEYWARD_CLIENT_CERT: pki.paths.clientCert,
          KEYWARD_CLIENT_KEY: pki.paths.clientKey,
        },
      });
      const noCertificate = await keyward(['whoami', '--ca', pki.paths.ca], {
        env: { KEYWARD_SERVER: mutual.address },
      });
      expect(noCertificate.code).toBe(1);
      expect(noCertificate.stderr).toMatch(/^keyward: UNAVAILABLE: [^\n]+\n$/);
    } finally {
      await Promise.all([tls.stop(), mutual.stop()]);
    }
  });

  it('never prints the token it was given, a password, or a session token but once from login, in any run', () => {
    expect(runs.length).toBeGreaterThan(20);
    const logins = runs.filter((run) => run.args[0] === 'login' && run.code === 0);
    const sessions = logins.map((run) =>
      run.args.includes('--json')
        ? (JSON.parse(run.stdout) as { sessionToken: string }).sessionToken
        : run.stdout.trimEnd(),
    );
    expect(sessions.length).toBeGreaterThan(5);
    for (const run of runs) {
      for (const output of [run.stdout, run.stderr]) {
        const where = `keyward ${run.args.join(' ')}`;
        expect(output).not.toContain(TEST_ADMIN_TOKEN);
        if (run.token !== undefined) expect(output, where).not.toContain(run.token);
        for (const password of Object.values(PASSWORDS)) expect(output, where).not.toContain(password);
        sessions.forEach((session, i) => {
          if (output !== logins[i]?.stdout) expect(output, where).not.toContain(session);
        });
      }
    }
  });
});

/**
 * A stand-in KeyService that answers WhoAmI (for the admin token only) over the given credentials:
 * the TLS handshake is the client's part under test, the service's own TLS listener has its tests.
 */
async function startWhoAmIServer(credentials: ServerCredentials): Promise<{ address: string; stop(): Promise<void> }> {
  const server = new Server();
  const whoAmI = (call: ServerUnaryCall<WhoAmIRequest, WhoAmIResponse>, callback: sendUnaryData<WhoAmIResponse>) => {
    if (bearer(call.metadata) !== TEST_ADMIN_TOKEN) {
      callback({ code: status.UNAUTHENTICATED, details: 'not the admin token' });
      return;
    }
    callback(null, { principal: 'token:over-tls', grants: [] });
  };
  server.addService(KeyServiceService, { whoAmI });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', credentials, (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
  return {
    address: `127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

function bearer(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  return typeof value === 'string' ? value.replace(/^Bearer /, '') : undefined;
}
