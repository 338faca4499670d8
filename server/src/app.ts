import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureAdminToken } from './auth/admin-token.js';
import { TokenAuthenticator } from './auth/authenticator.js';
import type { Config } from './config/config.js';
import type { MasterKey } from './crypto/envelope.js';
import { KeywardError } from './errors.js';
import { closeGateway, createGateway, type GatewaySource } from './gateway/index.js';
import { keyService } from './grpc/key-service.js';
import { startGrpcServer, type GrpcServer } from './grpc/server.js';
import { Keyring } from './keyring/keyring.js';
import type { Logger } from './logging/logger.js';
import { DEFAULT_KEY_SET } from './publication/urls.js';
import { KeyManager } from './service/key-manager.js';
import { checkMasterKey } from './service/master-key.js';
import type { KeyStore } from './store/key-store.js';
import { PrismaKeyStore } from './store/prisma-key-store.js';

export type KeywardConfig = Pick<
  Config,
  'host' | 'grpcPort' | 'httpPort' | 'publicUrl' | 'adminToken' | 'jwksMaxAgeSeconds'
>;

export interface StartOptions {
  readonly config: KeywardConfig;
  /** A migrated database. */
  readonly databaseUrl: string;
  readonly masterKey: MasterKey;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export interface RunningKeyward {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Set on the first start without KEYWARD_ADMIN_TOKEN: to be shown once. */
  readonly generatedAdminToken: string | undefined;
  readonly manager: KeyManager;
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5_000;

/** Wires the service together over a migrated database and starts both listeners. */
export async function startKeyward(options: StartOptions): Promise<RunningKeyward> {
  const { config, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const store = new PrismaKeyStore({ databaseUrl: options.databaseUrl });
  let grpc: GrpcServer | undefined;
  let http: HttpServer | undefined;
  try {
    await checkMasterKey(store, options.masterKey);
    const keyring = new Keyring();
    const manager = new KeyManager({
      store,
      keyring,
      masterKey: options.masterKey,
      publicUrl: config.publicUrl,
      logger,
      clock,
    });
    await manager.loadAll();
    await ensureDefaultKeySet(manager);

    const admin = await ensureAdminToken(store, config.adminToken);
    const authenticator = new TokenAuthenticator(await store.listApiTokens());

    grpc = await startGrpcServer(
      keyService(manager, config.publicUrl, { authenticator, logger, clock }),
      config.host,
      config.grpcPort,
    );
    http = createGateway(gatewaySource(keyring, store), {
      jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
      onError: (error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, 'gateway error'),
    });
    const httpPort = await listen(http, config.host, config.httpPort);

    const running = { grpc, http };
    return {
      grpcPort: grpc.port,
      httpPort,
      generatedAdminToken: admin.generated,
      manager,
      stop: async () => {
        await Promise.all([running.grpc.stop(SHUTDOWN_GRACE_MS), closeGateway(running.http)]);
        await store.close();
        logger.info('keyward stopped');
      },
    };
  } catch (error) {
    await grpc?.stop(0);
    if (http !== undefined) await closeGateway(http);
    await store.close();
    throw error;
  }
}

async function ensureDefaultKeySet(manager: KeyManager): Promise<void> {
  if (manager.list().some((view) => view.keySet.name === DEFAULT_KEY_SET)) return;
  const input = {
    name: DEFAULT_KEY_SET,
    algorithm: 'ES256',
    issuer: undefined,
    rsaModulusBits: undefined,
    kidScheme: 'jwk-thumbprint',
  } as const;
  try {
    await manager.createKeySet(input, 'system');
  } catch (error) {
    // Another replica created it first.
    if (!(error instanceof KeywardError && error.code === 'ALREADY_EXISTS')) throw error;
    await manager.reload(DEFAULT_KEY_SET);
  }
}

function gatewaySource(keyring: Keyring, store: KeyStore): GatewaySource {
  return {
    jwks: (name) => keyring.get(name)?.jwks,
    discovery: (name) => keyring.get(name)?.discovery,
    readiness: async () => {
      if (!keyring.loaded) return { ready: false, reason: 'keys are not loaded yet' };
      try {
        await store.ping();
        return { ready: true };
      } catch {
        return { ready: false, reason: 'the database is unreachable' };
      }
    },
  };
}

function listen(server: HttpServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
