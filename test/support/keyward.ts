// Starts a real Keyward (real PostgreSQL database, real gRPC and HTTP listeners on loopback) for a
// test, and a real gRPC client that talks to it.
import { credentials, Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { KeyServiceClient, KeyServiceService, type KeyServiceServer } from '@keyward/proto/keyward/v1';
import type { handleUnaryCall } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { startKeyward, type RunningKeyward } from '../../server/src/app.js';
import { masterKeyFromBytes, type MasterKey } from '../../server/src/crypto/envelope.js';
import { MasterKeyRing } from '../../server/src/crypto/master-key-ring.js';
import { loggerInto } from '../../server/src/test-support/logs.js';
import type { TlsConfig } from '../../server/src/transport/tls-config.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const TEST_ADMIN_TOKEN = `kw_test_${randomBytes(24).toString('base64url')}`;

export interface TestKeyward {
  readonly running: RunningKeyward;
  readonly client: KeyServiceClient;
  readonly grpcAddress: string;
  readonly httpUrl: string;
  /** The /metrics listener's origin (loopback, any free port). */
  readonly metricsUrl: string;
  /** The newest of masterKeys. */
  readonly masterKey: MasterKey;
  readonly masterKeys: MasterKeyRing;
  /** Everything the service logged, one JSON object per line. */
  readonly logs: string[];
  /** Each RPC as a promise, with the admin token unless `token` is given (null: no token at all). */
  readonly rpc: KeyServiceRpcs;
  stop(): Promise<void>;
}

type KeyServiceMethod = keyof typeof KeyServiceService;
export type KeyServiceRpcs = {
  readonly [M in KeyServiceMethod]: KeyServiceServer[M] extends handleUnaryCall<infer Req, infer Res>
    ? (request: TestRequest<Req>, token?: string | null, options?: CallOptions) => Promise<Res>
    : never;
};

interface PageFields {
  pageSize: number;
  pageToken: string;
}

/**
 * A request as tests write it: a List request may leave out page_size and page_token, asking for
 * the first page of the default size, as a client that leaves the fields unset does.
 */
export type TestRequest<Req> = Req extends PageFields ? Omit<Req, keyof PageFields> & Partial<PageFields> : Req;

/** `request` with the paging fields it leaves out set to their defaults, for a List RPC. */
export function withPageDefaults(method: string, request: unknown): unknown {
  return method.startsWith('list') ? { pageSize: 0, pageToken: '', ...(request as object) } : request;
}

type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: CallOptions,
  callback: (error: ServiceError | null, response: unknown) => void,
) => unknown;

/**
 * Each RPC of `client` as a promise, with `defaultToken` unless a call gives another (null: none)
 * and `defaultOptions()` unless a call gives its own (a deadline, for one).
 */
export function promisedRpcs(
  client: KeyServiceClient,
  defaultToken: string,
  defaultOptions: () => CallOptions = () => ({}),
): KeyServiceRpcs {
  const rpcs: Record<string, unknown> = {};
  for (const name of Object.keys(KeyServiceService)) {
    const method = (client as unknown as Record<string, UnaryMethod>)[name]!;
    rpcs[name] = (request: unknown, token: string | null = defaultToken, options: CallOptions = defaultOptions()) => {
      const metadata = new Metadata();
      if (token !== null) metadata.set('authorization', `Bearer ${token}`);
      return new Promise((resolve, reject) => {
        method.call(client, withPageDefaults(name, request), metadata, options, (error, response) =>
          error === null ? resolve(response) : reject(error),
        );
      });
    };
  }
  return rpcs as KeyServiceRpcs;
}

export interface StartTestKeywardOptions {
  readonly databaseUrl: string;
  /** One master key, or a ring of them (oldest first); default: a new key. */
  readonly masterKey?: MasterKey;
  readonly masterKeys?: MasterKeyRing;
  readonly adminToken?: string;
  readonly jwksMaxAgeSeconds?: number;
  readonly schedulerIntervalSeconds?: number;
  readonly reloadIntervalSeconds?: number;
  readonly tls?: TlsConfig;
  /** 0 (the default here): unlimited. */
  readonly rateLimitPerSecond?: number;
  readonly rateLimitBurst?: number;
  /** Default 2. */
  readonly maxConcurrentKeyGenerations?: number;
  /** Required of every scrape when set; default: none. */
  readonly metricsToken?: string;
  readonly clock?: () => Date;
}

export function newMasterKey(): MasterKey {
  return masterKeyFromBytes(randomBytes(32));
}

export async function startTestKeyward(options: StartTestKeywardOptions): Promise<TestKeyward> {
  const logs: string[] = [];
  const masterKeys = options.masterKeys ?? new MasterKeyRing([options.masterKey ?? newMasterKey()]);
  const running = await startKeyward({
    config: {
      host: '127.0.0.1',
      grpcPort: 0,
      httpPort: 0,
      publicUrl: 'http://issuer.test',
      adminToken: options.adminToken ?? TEST_ADMIN_TOKEN,
      jwksMaxAgeSeconds: options.jwksMaxAgeSeconds ?? 300,
      // Tests drive the scheduler and the usage flush themselves (running.scheduler.tick(),
      // running.flushUsage()); the timers only matter for tests that ask for them.
      schedulerIntervalSeconds: options.schedulerIntervalSeconds ?? 3_600,
      reloadIntervalSeconds: options.reloadIntervalSeconds ?? 3_600,
      usageFlushIntervalSeconds: 3_600,
      rateLimitPerSecond: options.rateLimitPerSecond ?? 0,
      rateLimitBurst: options.rateLimitBurst ?? 1,
      maxConcurrentKeyGenerations: options.maxConcurrentKeyGenerations ?? 2,
      sessionTtlSeconds: 900,
      metricsPort: 0,
      metricsHost: '127.0.0.1',
      metricsToken: options.metricsToken,
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    },
    databaseUrl: options.databaseUrl,
    masterKeys,
    logger: loggerInto(logs),
    ...(options.clock === undefined ? {} : { clock: options.clock }),
  });
  const grpcAddress = `127.0.0.1:${running.grpcPort}`;
  // Over TLS, tests build their own clients with the certificates they mean to present.
  const client = new KeyServiceClient(grpcAddress, credentials.createInsecure());
  const adminToken = options.adminToken ?? TEST_ADMIN_TOKEN;

  return {
    running,
    client,
    grpcAddress,
    httpUrl: `http://127.0.0.1:${running.httpPort}`,
    metricsUrl: `http://127.0.0.1:${running.metricsPort}`,
    masterKey: masterKeys.current,
    masterKeys,
    logs,
    rpc: promisedRpcs(client, adminToken),
    async stop() {
      client.close();
      await running.stop();
    },
  };
}

/** A TestKeyward for a whole test file, plus the URL of its database. */
export interface KeywardFixture extends Omit<TestKeyward, 'stop'> {
  readonly databaseUrl: string;
}

/**
 * One service on its own fresh database for a whole test file: started in beforeAll, stopped and
 * dropped in afterAll. Its members are usable from beforeAll on.
 */
export function useTestKeyward(options: Omit<StartTestKeywardOptions, 'databaseUrl'> = {}): KeywardFixture {
  let kw: TestKeyward | undefined;
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    kw = await startTestKeyward({ ...options, databaseUrl: database.url });
  });
  afterAll(async () => {
    await kw?.stop();
    await database?.drop();
  });
  // Test files call useTestKeyward() at module level, before the service exists: hand out a view
  // that resolves each member once beforeAll has run.
  return new Proxy({} as KeywardFixture, {
    get(_target, member) {
      if (kw === undefined || database === undefined) {
        throw new Error('the Keyward fixture is used before beforeAll ran');
      }
      return member === 'databaseUrl' ? database.url : (Reflect.get(kw, member) as unknown);
    },
  });
}
