import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ensureAdminToken } from './auth/admin-token.js';
import { TokenAuthenticator } from './auth/authenticator.js';
import type { Config } from './config/config.js';
import { deriveSecret } from './crypto/derived-keys.js';
import type { MasterKeyRing } from './crypto/master-key-ring.js';
import { KeywardError } from './errors.js';
import { closeGateway, createGateway, staleWhileRevalidateSeconds, type GatewaySource } from './gateway/index.js';
import { keyService } from './grpc/key-service.js';
import { startGrpcServer, type GrpcServer } from './grpc/server.js';
import { Keyring } from './keyring/keyring.js';
import { ConcurrencyLimit } from './limits/concurrency-limit.js';
import { RateLimiter } from './limits/token-bucket.js';
import type { Logger } from './logging/logger.js';
import { DEFAULT_KEY_SET } from './publication/urls.js';
import { startScheduler, type Scheduler } from './scheduler/scheduler.js';
import { ApiTokens } from './service/api-tokens.js';
import { Staff } from './service/staff.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { Pager } from './paging/pager.js';
import { INTERNAL_KEY_SET } from './auth/session-tokens.js';
import { rewrapKeys } from './service/rewrap.js';
import { KeyManager } from './service/key-manager.js';
import { Verifier } from './service/verifier.js';
import { checkMasterKeys } from './service/master-key.js';
import type { KeyStore } from './store/key-store.js';
import { PrismaKeyStore } from './store/prisma-key-store.js';
import { startChangeListener } from './sync/change-listener.js';
import { createHttpListener } from './transport/http-listener.js';
import type { TlsConfig } from './transport/tls-config.js';
import { clientHash } from './usage/client-hash.js';
import { ClientSightings } from './usage/client-sightings.js';
import { startPeriodicFlush, type PeriodicFlush } from './usage/flusher.js';
import { SignatureCounter } from './usage/signature-counter.js';

export type KeywardConfig = Pick<
  Config,
  | 'host'
  | 'grpcPort'
  | 'httpPort'
  | 'publicUrl'
  | 'adminToken'
  | 'jwksMaxAgeSeconds'
  | 'schedulerIntervalSeconds'
  | 'reloadIntervalSeconds'
  | 'usageFlushIntervalSeconds'
  | 'rateLimitPerSecond'
  | 'rateLimitBurst'
  | 'maxConcurrentKeyGenerations'
  | 'sessionTtlSeconds'
> & {
  /** Unset: both listeners in plaintext. */
  readonly tls?: TlsConfig;
};

export interface StartOptions {
  readonly config: KeywardConfig;
  /** A migrated database. */
  readonly databaseUrl: string;
  readonly masterKeys: MasterKeyRing;
  readonly logger: Logger;
  /** Every lifecycle decision asks this for the time; tests move it. */
  readonly clock?: () => Date;
}

export interface RunningKeyward {
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Set on the first start without KEYWARD_ADMIN_TOKEN: to be shown once. */
  readonly generatedAdminToken: string | undefined;
  readonly manager: KeyManager;
  readonly scheduler: Scheduler;
  /** Writes the in-memory signature counts and client sightings now. */
  flushUsage(): Promise<void>;
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5_000;

interface Stoppable {
  stop(): Promise<unknown>;
}

/** Wires the service together over a migrated database and starts its listeners and timers. */
export async function startKeyward(options: StartOptions): Promise<RunningKeyward> {
  const { config, logger } = options;
  const clock = options.clock ?? (() => new Date());
  const store = new PrismaKeyStore({ databaseUrl: options.databaseUrl });
  // Stopped in reverse order of starting: listeners first, the store last.
  const started: Stoppable[] = [{ stop: () => store.close() }];
  const stopAll = async () => {
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
  };
  try {
    await checkMasterKeys(store, options.masterKeys);
    const keyring = new Keyring();
    const signatures = new SignatureCounter();
    const sightings = new ClientSightings();
    const manager = new KeyManager({
      store,
      keyring,
      masterKeys: options.masterKeys,
      publicUrl: config.publicUrl,
      policyContext: {
        jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
        staleWhileRevalidateSeconds: staleWhileRevalidateSeconds(config.jwksMaxAgeSeconds),
      },
      signatures,
      // Key generation waits its turn here, so a burst of RSA rotations cannot starve signing.
      keyGeneration: new ConcurrencyLimit({
        maxRunning: config.maxConcurrentKeyGenerations,
        maxQueued: 32,
        what: 'key generations',
      }),
      logger,
      clock,
    });
    await manager.loadAtStart();
    await ensureKeySet(manager, DEFAULT_KEY_SET);
    await ensureKeySet(manager, INTERNAL_KEY_SET);

    const admin = await ensureAdminToken(store, config.adminToken, clock());
    const authenticator = new TokenAuthenticator(
      await store.listApiTokens(),
      () => keyring.get(INTERNAL_KEY_SET)?.jwks,
    );
    authenticator.replaceSessions(await store.listActiveSessions(clock()));
    // Tokens, users and sessions: whatever this replica authenticates with.
    const reloadTokens = async () => {
      try {
        authenticator.replace(await store.listApiTokens());
        authenticator.replaceSessions(await store.listActiveSessions(clock()));
      } catch (error) {
        logger.warn(
          { err: error instanceof Error ? error.message : String(error) },
          'token reload failed; keeping the tokens loaded',
        );
      }
    };
    const reloadEverything = async () => {
      await Promise.all([manager.reloadAll(), reloadTokens()]);
    };

    const listener = await startChangeListener({
      databaseUrl: options.databaseUrl,
      logger,
      fullReloadIntervalMs: config.reloadIntervalSeconds * 1_000,
      onChange: (notice) => ('keySet' in notice ? manager.reload(notice.keySet) : reloadTokens()),
      onReconnect: reloadEverything,
      onFullReload: reloadEverything,
    });
    started.push(listener);

    const usage = startUsageFlush(store, { signatures, sightings, authenticator }, options.masterKeys, config, logger);
    started.push(usage);

    const scheduler = startScheduler({ manager, intervalMs: config.schedulerIntervalSeconds * 1_000, logger });
    started.push(scheduler);

    const grpc: GrpcServer = await startGrpcServer(
      keyService(
        {
          manager,
          verifier: new Verifier({
            keysOf: (name) => manager.view(name).keys,
            clock,
            // Failed verifications, for telemetry: the failure-report aggregator plugs in here.
            observe: () => undefined,
          }),
          staff: new Staff({
            store,
            manager,
            throttle: new LoginThrottle(deriveSecret(options.masterKeys.current, 'login-throttle')),
            // scrypt is deliberately slow: a flood of logins must not starve signing or the pool.
            passwordChecks: new ConcurrencyLimit({ maxRunning: 2, maxQueued: 128, what: 'logins' }),
            sessionTtlSeconds: config.sessionTtlSeconds,
            clock,
            reload: reloadTokens,
          }),
          tokens: new ApiTokens(store, clock, reloadTokens),
          rewrap: (actor) => rewrapKeys(store, options.masterKeys, actor, clock, logger),
          store,
          publicUrl: config.publicUrl,
          // Every replica issues and accepts the same tokens; a master-key rotation voids them.
          pager: new Pager(deriveSecret(options.masterKeys.current, 'page-tokens')),
        },
        {
          authenticator,
          rateLimiter:
            config.rateLimitPerSecond === 0
              ? undefined
              : new RateLimiter({ ratePerSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst }),
          lookup: { keySetOfKid: (kid) => manager.keySetOfKid(kid) },
          logger,
          clock,
        },
      ),
      config.host,
      config.grpcPort,
      config.tls?.grpc,
    );
    started.push({ stop: () => grpc.stop(SHUTDOWN_GRACE_MS) });

    const http = createGateway(
      gatewaySource(keyring, store, sightings, clock),
      {
        jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
        onError: (error: unknown) =>
          logger.error({ err: error instanceof Error ? error.message : String(error) }, 'gateway error'),
      },
      (handler) => createHttpListener(handler, config.tls?.http, config.tls?.hstsMaxAgeSeconds ?? 0),
    );
    const httpPort = await listen(http, config.host, config.httpPort);
    started.push({ stop: () => closeGateway(http) });

    return {
      grpcPort: grpc.port,
      httpPort,
      generatedAdminToken: admin.generated,
      manager,
      scheduler,
      flushUsage: () => usage.flushNow(),
      stop: async () => {
        await stopAll();
        logger.info('keyward stopped');
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface UsageSources {
  readonly signatures: SignatureCounter;
  readonly sightings: ClientSightings;
  readonly authenticator: TokenAuthenticator;
}

function startUsageFlush(
  store: KeyStore,
  { signatures, sightings, authenticator }: UsageSources,
  masterKeys: MasterKeyRing,
  config: KeywardConfig,
  logger: Logger,
): PeriodicFlush {
  // From the newest master key: after a master-key rotation clients are counted afresh, which
  // only resets rotation readiness for a day.
  const sightingSecret = deriveSecret(masterKeys.current, 'jwks-client-sightings');
  return startPeriodicFlush({
    intervalMs: config.usageFlushIntervalSeconds * 1_000,
    logger,
    flush: async () => {
      await store.recordSignatures(signatures.drain());
      const batch = sightings.drain((client) => clientHash(sightingSecret, client));
      if (batch.droppedSinceLastDrain > 0) {
        logger.warn({ dropped: batch.droppedSinceLastDrain }, 'too many distinct JWKS clients; some were not counted');
      }
      await store.recordSightings(batch.sightings);
      await store.recordTokenUse(authenticator.drainLastUsed());
    },
  });
}

/** `default` for issuers that need no other; `keyward-internal` signs staff sessions. */
async function ensureKeySet(manager: KeyManager, name: string): Promise<void> {
  if (manager.list().some((view) => view.keySet.name === name)) return;
  const input = {
    name,
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
    await manager.reload(name);
  }
}

function gatewaySource(
  keyring: Keyring,
  store: KeyStore,
  sightings: ClientSightings,
  clock: () => Date,
): GatewaySource {
  return {
    jwks: (name) => keyring.get(name)?.jwks,
    discovery: (name) => keyring.get(name)?.discovery,
    // Only in memory, and hashed before it is stored: see usage/client-sightings.ts.
    jwksServed: (name, request) => {
      const view = keyring.get(name);
      if (view === undefined) return;
      const client = `${request.socket.remoteAddress ?? ''}\n${request.headers['user-agent'] ?? ''}`;
      sightings.record(name, client, clock(), view.newestPublishedKeyAt);
    },
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
