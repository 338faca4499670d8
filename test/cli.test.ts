// The `keyward` admin command, end to end: the compiled file run as a child process the way a user
// runs it (`node server/dist/cli/main.js ...`, token in KEYWARD_TOKEN), against a real service on a
// fresh database. `npm test` builds first; while developing, `npx tsc -b server`.

import { Server, ServerCredentials, status, type Metadata, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { KeyServiceService, type WhoAmIRequest, type WhoAmIResponse } from '@keyward/proto/keyward/v1';
import { spawn } from 'node:child_process';
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
const CLI = fileURLToPath(new URL('../server/dist/cli/main.js', import.meta.url));

const kw = useTestKeyward();

interface Run {
  readonly args: readonly string[];
  /** The token the run was given (KEYWARD_TOKEN or a token file), if any. */
  readonly token: string | undefined;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Every run of this file, to check at the end that no token ever reached an output. */
const runs: Run[] = [];

interface RunOptions {
  /** Default: the admin token. null: no KEYWARD_TOKEN at all. */
  readonly token?: string | null;
  readonly env?: Readonly<Record<string, string>>;
  /** The token this run uses some other way (e.g. a token file), for the final check. */
  readonly usesToken?: string;
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
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
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
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (npx tsc -b server)`);
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

    const json = JSON.parse((await ok(['key-sets', 'list', '--json'])).stdout) as { keySets: { name: string; algorithm: string }[] };
    expect(json.keySets.map((keySet) => keySet.name)).toEqual(expect.arrayContaining(['payments', 'other']));
    expect(json.keySets.find((keySet) => keySet.name === 'payments')?.algorithm).toBe('ES256');
  });

  it('signs a JWT that verifies with jose against the JWKS it prints, which is the gateway\'s document', async () => {
    const signed = await ok(['sign', 'payments', '--claims', '{"sub":"x","aud":"billing"}']);
    const jws = signed.stdout.trim();
    expect(jws.split('.')).toHaveLength(3);

    const jwks = await ok(['jwks', 'payments']);
    expect(jwks.stderr).toMatch(/^ETag: "[^"]+"\n$/);
    const served = await fetch(`${kw.httpUrl}/key-sets/payments/.well-known/jwks.json`);
    expect(jwks.stdout).toBe(await served.text());
    expect(jwks.stderr).toBe(`ETag: ${served.headers.get('etag')}\n`);

    const { payload, protectedHeader } = await jwtVerify(jws, createLocalJWKSet(JSON.parse(jwks.stdout) as JSONWebKeySet), {
      audience: 'billing',
    });
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
    expect(events.stdout.split('\n')[0]).toMatch(/^ID +TIME +TYPE +KEY SET +KID +ACTOR +REASON$/);
    // An immediate rotation: the old key retires and the new one activates, both with the reason.
    expect(events.stdout).toMatch(new RegExp(` key\\.retired +payments +${rotation.before} +token:\\S+ +cli rotation test$`, 'm'));
    expect(events.stdout).toMatch(new RegExp(` key\\.activated +payments +${rotation.after} +token:\\S+ +cli rotation test$`, 'm'));

    const json = JSON.parse((await ok(['events', '--kid', rotation.after, '--json'])).stdout) as {
      events: { type: string; reason?: string; keySet: string; kid: string }[];
    };
    expect(json.events).toContainEqual(
      expect.objectContaining({ type: 'key.activated', reason: 'cli rotation test', keySet: 'payments', kid: rotation.after }),
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
    expect(missing.stderr).toMatch(/^keyward: no API token: set KEYWARD_TOKEN, or KEYWARD_TOKEN_FILE \/ --token-file [^\n]*\n$/);

    const asArgument = await keyward(['whoami', `--token=${TEST_ADMIN_TOKEN}`], { token: null, usesToken: TEST_ADMIN_TOKEN });
    expect(asArgument.code).toBe(2);
    expect(asArgument.stderr).toMatch(/^keyward: the API token is never taken on the command line/);
  });

  it('help lists every command', async () => {
    const help = await ok(['help'], { token: null });
    for (const command of ['key-sets list', 'key-sets create <name>', 'keys timeline', 'rotate <key-set>', 'revoke <kid>', 'policy set',
      'jwks <key-set>', 'events', 'readiness <key-set>', 'sign <key-set>', 'tokens create <name>', 'tokens revoke <id>', 'whoami', 'rewrap']) {
      expect(help.stdout).toContain(`keyward ${command}`);
    }
    expect(help.stdout).not.toMatch(/keyward users/);
    expect((await ok(['rotate', '--help'], { token: null })).stdout).toMatch(/^usage: keyward rotate <key-set> --reason <text> \[--immediate\]\n/);
  });

  it('policy set changes the policy; readiness reports on the key set', async () => {
    const updated = await ok(['policy', 'set', 'payments', '--rotation-period', '60d', '--auto-rotate', 'off', '--reason', 'cli policy test']);
    expect(field(updated.stdout, 'rotation period')).toBe('60d');
    expect(field(updated.stdout, 'auto-rotate')).toBe('off');

    const readiness = await ok(['readiness', 'payments']);
    expect(field(readiness.stdout, 'pending kid')).toBe('none (no rotation under way)');
  });

  it('rewrap re-wraps nothing when every key is already under the only master key', async () => {
    const run = await ok(['rewrap']);
    expect(field(run.stdout, 'rewrapped')).toBe('0');
    expect(field(run.stdout, 'remaining')).toBe('0');
    expect(field(run.stdout, 'master key')).toBe(kw.masterKey.id);
  });

  it('talks TLS with --ca (KEYWARD_CA), and mutual TLS with --cert and --key', async () => {
    const pki = await makeTestPki(scratch);
    const tls = await startWhoAmIServer(ServerCredentials.createSsl(pki.caPem, [{ cert_chain: pki.serverCert, private_key: pki.serverKey }], false));
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

      const withCertificate = ['whoami', '--ca', pki.paths.ca, '--cert', pki.paths.clientCert, '--key', pki.paths.clientKey];
      expect(field((await ok(withCertificate, { env: { KEYWARD_SERVER: mutual.address } })).stdout, 'principal')).toBe('token:over-tls');
      await ok(['whoami'], {
        env: {
          KEYWARD_SERVER: mutual.address,
          KEYWARD_CA: pki.paths.ca,
          KEYWARD_CLIENT_CERT: pki.paths.clientCert,
          KEYWARD_CLIENT_KEY: pki.paths.clientKey,
        },
      });
      const noCertificate = await keyward(['whoami', '--ca', pki.paths.ca], { env: { KEYWARD_SERVER: mutual.address } });
      expect(noCertificate.code).toBe(1);
      expect(noCertificate.stderr).toMatch(/^keyward: UNAVAILABLE: [^\n]+\n$/);
    } finally {
      await Promise.all([tls.stop(), mutual.stop()]);
    }
  });

  it('never prints the token it was given, in any run', () => {
    expect(runs.length).toBeGreaterThan(20);
    for (const run of runs) {
      for (const output of [run.stdout, run.stderr]) {
        expect(output).not.toContain(TEST_ADMIN_TOKEN);
        if (run.token !== undefined) expect(output, `keyward ${run.args.join(' ')}`).not.toContain(run.token);
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
