import { Metadata, Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { KeyServiceService, type KeyServiceServer } from '@keyward/proto/keyward/v1';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelCredentials, connect, readToken, resolveSettings, tokenSource } from './connection.js';
import { CliFailure, UsageError } from './failure.js';

const TOKEN = 'kw_unit_test_token_value_0123456789';
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyward-cli-unit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function thrown(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('nothing thrown');
}

describe('resolveSettings', () => {
  it('defaults to plaintext 127.0.0.1:50051, 10 s', () => {
    expect(resolveSettings({}, {})).toEqual({ address: '127.0.0.1:50051', tls: undefined, timeoutSeconds: 10 });
  });

  it('takes flags over environment variables', () => {
    const env = { KEYWARD_SERVER: 'env.example:1', KEYWARD_CA: '/env/ca.pem' };
    expect(resolveSettings({}, env)).toMatchObject({
      address: 'env.example:1',
      tls: { ca: '/env/ca.pem', cert: undefined, key: undefined },
    });
    const flags = { server: '[::1]:50052', ca: '/flag/ca.pem', cert: '/c.pem', key: '/k.pem', timeout: '2.5' };
    expect(resolveSettings(flags, env)).toEqual({
      address: '[::1]:50052',
      tls: { ca: '/flag/ca.pem', cert: '/c.pem', key: '/k.pem' },
      timeoutSeconds: 2.5,
    });
  });

  it('blames a bad flag as a usage error and a bad variable by its name', () => {
    expect(thrown(() => resolveSettings({ server: 'http://x:1' }, {}))).toEqual(
      new UsageError('--server must be host:port without a scheme (e.g. 127.0.0.1:50051), got "http://x:1"'),
    );
    const variable = thrown(() => resolveSettings({}, { KEYWARD_SERVER: 'no port' }));
    expect(variable).toBeInstanceOf(CliFailure);
    expect(variable.message).toMatch(/^KEYWARD_SERVER must be host:port/);
    expect(thrown(() => resolveSettings({ timeout: '0' }, {}))).toBeInstanceOf(UsageError);
    expect(thrown(() => resolveSettings({ timeout: 'soon' }, {}))).toBeInstanceOf(UsageError);
  });

  it('wants a client certificate with its key, and TLS for both', () => {
    expect(thrown(() => resolveSettings({ ca: '/ca', cert: '/c' }, {})).message).toMatch(/go together/);
    expect(thrown(() => resolveSettings({}, { KEYWARD_CLIENT_KEY: '/k' }))).toBeInstanceOf(CliFailure);
    expect(thrown(() => resolveSettings({ cert: '/c', key: '/k' }, {})).message).toMatch(
      /needs TLS: give the server's CA with --ca/,
    );
  });
});

describe('tokenSource', () => {
  it('is --token-file, else KEYWARD_TOKEN_FILE, else KEYWARD_TOKEN', () => {
    expect(tokenSource(undefined, { KEYWARD_TOKEN: TOKEN })).toEqual({ kind: 'env' });
    expect(tokenSource(undefined, { KEYWARD_TOKEN_FILE: '/env/token' })).toEqual({
      kind: 'file',
      path: '/env/token',
      from: 'KEYWARD_TOKEN_FILE',
    });
    expect(tokenSource('/flag/token', { KEYWARD_TOKEN_FILE: '/env/token' })).toEqual({
      kind: 'file',
      path: '/flag/token',
      from: '--token-file',
    });
  });

  it('refuses KEYWARD_TOKEN and KEYWARD_TOKEN_FILE together, unless --token-file picks', () => {
    const env = { KEYWARD_TOKEN: TOKEN, KEYWARD_TOKEN_FILE: '/t' };
    expect(thrown(() => tokenSource(undefined, env)).message).toBe(
      'set KEYWARD_TOKEN or KEYWARD_TOKEN_FILE, not both (or pick one with --token-file)',
    );
    expect(tokenSource('/mine', env)).toEqual({ kind: 'file', path: '/mine', from: '--token-file' });
  });
});

describe('readToken', () => {
  it('reads KEYWARD_TOKEN, or a file trimmed', async () => {
    expect(readToken({ kind: 'env' }, { KEYWARD_TOKEN: ` ${TOKEN}\n` })).toBe(TOKEN);
    const path = join(dir, 'token');
    await writeFile(path, `${TOKEN}\r\n`);
    expect(readToken({ kind: 'file', path, from: '--token-file' }, {})).toBe(TOKEN);
  });

  it("says clearly what is missing, and never repeats the token or a file's content", async () => {
    expect(thrown(() => readToken({ kind: 'env' }, {})).message).toMatch(
      /^no API token: set KEYWARD_TOKEN, or KEYWARD_TOKEN_FILE/,
    );
    const missing = thrown(() => readToken({ kind: 'file', path: join(dir, 'nope'), from: 'KEYWARD_TOKEN_FILE' }, {}));
    expect(missing.message).toBe(`cannot read KEYWARD_TOKEN_FILE ${join(dir, 'nope')}: no such file`);

    const empty = join(dir, 'empty');
    await writeFile(empty, ' \n');
    expect(thrown(() => readToken({ kind: 'file', path: empty, from: '--token-file' }, {})).message).toMatch(
      /is empty$/,
    );

    const spaced = join(dir, 'spaced');
    await writeFile(spaced, `${TOKEN} and more`);
    for (const error of [
      thrown(() => readToken({ kind: 'file', path: spaced, from: '--token-file' }, {})),
      thrown(() => readToken({ kind: 'env' }, { KEYWARD_TOKEN: `${TOKEN}\u0000x` })),
    ]) {
      expect(error).toBeInstanceOf(CliFailure);
      expect(error.message).toMatch(/has characters no API token has/);
      expect(error.message).not.toContain(TOKEN);
    }
  });
});

describe('channelCredentials', () => {
  it('is plaintext without a CA, and names an unreadable CA file', () => {
    expect(channelCredentials(undefined)._isSecure()).toBe(false);
    const error = thrown(() =>
      channelCredentials({ ca: join(dir, 'missing-ca.pem'), cert: undefined, key: undefined }),
    );
    expect(error).toEqual(
      new CliFailure(`cannot read the CA certificate ${join(dir, 'missing-ca.pem')}: no such file`),
    );
  });

  it('is TLS with a CA', async () => {
    const ca = join(dir, 'ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    expect(channelCredentials({ ca, cert: undefined, key: undefined })._isSecure()).toBe(true);
  });
});

describe('connect', () => {
  /** A stand-in KeyService: WhoAmI names the bearer it was sent; Logout refuses; Rewrap never answers. */
  async function serve(): Promise<{ address: string; stop(): void }> {
    const server = new Server();
    const handlers = {
      whoAmI: (call, callback) => {
        const bearer = call.metadata.get('authorization')[0];
        callback(null, { principal: bearer === undefined ? 'nobody' : String(bearer), grants: [] });
      },
      logout: (_call, callback) => {
        const trailers = new Metadata();
        trailers.set('retry-after-ms', '250');
        callback({ code: status.RESOURCE_EXHAUSTED, details: 'slow down', metadata: trailers });
      },
      rewrapKeys: () => {},
    } satisfies Partial<KeyServiceServer>;
    server.addService(KeyServiceService, handlers);
    const port = await new Promise<number>((resolvePort, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
        error === null ? resolvePort(bound) : reject(error),
      ),
    );
    return { address: `127.0.0.1:${port}`, stop: () => server.forceShutdown() };
  }

  it('calls each RPC as a promise, with the token as a bearer, or no authorization without one', async () => {
    const service = await serve();
    const settings = { address: service.address, tls: undefined, timeoutSeconds: 5 };
    const withToken = connect(settings, TOKEN);
    const anonymous = connect(settings, undefined);
    try {
      expect(await withToken.rpc.whoAmI({})).toMatchObject({ principal: `Bearer ${TOKEN}` });
      expect(await anonymous.rpc.whoAmI({})).toMatchObject({ principal: 'nobody' });
    } finally {
      withToken.close();
      anonymous.close();
      service.stop();
    }
  });

  it("rejects with grpc-js's ServiceError, trailers included, and gives up at the deadline", async () => {
    const service = await serve();
    const connection = connect({ address: service.address, tls: undefined, timeoutSeconds: 0.2 }, TOKEN);
    try {
      const refused = (await connection.rpc.logout({}).catch((error: unknown) => error)) as ServiceError;
      expect(refused).toMatchObject({ code: status.RESOURCE_EXHAUSTED, details: 'slow down' });
      expect(refused.metadata.get('retry-after-ms')).toEqual(['250']);
      await expect(connection.rpc.rewrapKeys({})).rejects.toMatchObject({ code: status.DEADLINE_EXCEEDED });
    } finally {
      connection.close();
      service.stop();
    }
  });
});
