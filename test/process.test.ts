// @vitest-environment node
// The service as an operator runs it: the real entry point on the embedded PostgreSQL, a generated
// master key and admin token, buf curl through server reflection, a clean stop on SIGTERM, and
// clear refusals for a wrong master key or bad configuration.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { killServiceProcesses, REPO_ROOT, startServiceProcess } from './support/process.js';

const run = promisify(execFile);
const BUF = join(REPO_ROOT, 'node_modules', '.bin', 'buf');

let dataDir: string;

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'keyward-process-'));
  // Embedded PostgreSQL runs as its own user when we are root: it must reach the folder.
  chmodSync(dataDir, 0o755);
});

afterEach(killServiceProcesses);

afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

async function bufCurl(grpcPort: number, token: string, method: string, body: unknown): Promise<unknown> {
  const { stdout } = await run(BUF, [
    'curl',
    '--protocol',
    'grpc',
    '--http2-prior-knowledge',
    '-H',
    `authorization: Bearer ${token}`,
    '-d',
    JSON.stringify(body),
    `http://127.0.0.1:${grpcPort}/${method}`,
  ]);
  return JSON.parse(stdout);
}

const baseEnv = () => ({
  KEYWARD_DATA_DIR: dataDir,
  KEYWARD_GRPC_PORT: '0',
  KEYWARD_HTTP_PORT: '0',
  KEYWARD_LOG_LEVEL: 'info',
});

describe('npm start on the embedded default', () => {
  let token = '';
  let etag = '';

  it('starts, generates a master key and a one-time admin token, and serves', async () => {
    const service = startServiceProcess(baseEnv());
    const serving = await service.waitForLog('keyward is serving');
    const grpcPort = serving.grpcPort as number;
    const httpPort = serving.httpPort as number;

    token = (await service.waitForStderr(/^\s+(kw_[A-Za-z0-9_-]{43})$/m))[1]!;
    // The token is shown on the terminal, never in the structured log.
    expect(service.stdout.join('\n')).not.toContain(token);

    const masterKeyFile = join(dataDir, 'master.key');
    expect(statSync(masterKeyFile).mode & 0o777).toBe(0o600);
    expect(service.stdout.some((line) => line.includes('GENERATED A NEW MASTER KEY'))).toBe(true);

    // The README's worked example: sign with buf curl through reflection, verify from the jwks_uri.
    const signed = (await bufCurl(grpcPort, token, 'keyward.v1.KeyService/Sign', {
      key_set: 'default',
      claims_json: JSON.stringify({ sub: 'alice', aud: 'api' }),
    })) as { jws: string; kid: string; alg: string };
    expect(signed.alg).toBe('ES256');
    const jwks = createRemoteJWKSet(new URL(`http://127.0.0.1:${httpPort}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(signed.jws, jwks, { audience: 'api' });
    expect(payload.sub).toBe('alice');

    const health = (await bufCurl(grpcPort, token, 'grpc.health.v1.Health/Check', {})) as { status: string };
    expect(health.status).toBe('SERVING');

    etag = (await fetch(`http://127.0.0.1:${httpPort}/.well-known/jwks.json`)).headers.get('etag') ?? '';
    expect(etag).not.toBe('');

    service.child.kill('SIGTERM');
    expect(await service.exited()).toBe(0);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });

  it('restarts on the same data without a new token, keeping the keys', async () => {
    const service = startServiceProcess(baseEnv());
    const serving = await service.waitForLog('keyward is serving');
    expect(service.stderr()).not.toMatch(/kw_/);
    const response = await fetch(`http://127.0.0.1:${serving.httpPort as number}/.well-known/jwks.json`);
    expect(response.headers.get('etag')).toBe(etag);
    const listed = (await bufCurl(serving.grpcPort as number, token, 'keyward.v1.KeyService/ListKeySets', {})) as {
      keySets: { name: string }[];
    };
    // keyward-internal signs staff sessions.
    expect(listed.keySets.map((keySet) => keySet.name)).toEqual(['default', 'keyward-internal']);
    service.child.kill('SIGINT');
    expect(await service.exited()).toBe(0);
  });

  it('refuses to start with another master key, and says why', async () => {
    const service = startServiceProcess({
      ...baseEnv(),
      KEYWARD_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    });
    expect(await service.exited()).toBe(1);
    expect(service.stderr()).toMatch(
      /^keyward: cannot start: the configured master key \(id [0-9a-f]{32}\) is not the one this database's keys are sealed under/m,
    );
    expect(service.stderr()).not.toContain(Buffer.alloc(32, 7).toString('base64'));
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});

it('reports every bad configuration value at once and exits 2', async () => {
  const service = startServiceProcess({
    KEYWARD_GRPC_PORT: 'http',
    KEYWARD_JWKS_MAX_AGE: '-5',
    KEYWARD_MASTER_KEY: 'c2hvcnQ=',
    KEYWARD_PUBLIC_URL: 'ftp://nope',
  });
  expect(await service.exited()).toBe(2);
  const stderr = service.stderr();
  expect(stderr).toContain('KEYWARD_GRPC_PORT must be a port number from 0 to 65535, got "http"');
  expect(stderr).toContain('KEYWARD_JWKS_MAX_AGE must be whole seconds from 0 to 86400, got "-5"');
  expect(stderr).toContain('KEYWARD_MASTER_KEY must be 32 bytes, base64-encoded');
  expect(stderr).toContain('KEYWARD_PUBLIC_URL must be an http(s) URL');
  expect(stderr).not.toContain('c2hvcnQ=');
});
