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
import { closeMetricsListener, createMetricsListener } from './metrics/endpoint.js';
import { KeywardMetrics } from './metrics/metrics.js';
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
import { authorize } from './auth/permissions.js';
import { actorName } from './auth/principal.js';
import { rateLimitError } from './limits/token-bucket.js';
import { FailureAggregator } from './reports/failure-aggregator.js';
import { acceptFailureReport, type FailureIntake } from './reports/failure-reports.js';
import type { FailureStore } from './store/failure-store.js';
import type { SignatureStore } from './store/signature-store.js';
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
  | 'metricsPort'
  | 'metricsHost'
  | 'metricsToken'
> &
  Partial<Pick<Config, 'failureRetentionDays'>> & {
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
  /** Undefined with KEYWARD_METRICS_PORT=off. */
  readonly metricsPort: number | undefined;
  /** Set on the first start without KEYWARD_ADMIN_TOKEN: to be shown once. */
  readonly generatedAdminToken: string | undefined;
  readonly manager: KeyManager;
  readonly scheduler: Scheduler;
  /** Verification failures counted in memory; `record` also takes the service's own observations. */
  readonly failures: FailureAggregator;
  /** Writes the in-memory signature counts and client sightings now. */
  flushUsage(): Promise<void>;
  stop(): Promise<void>;
}

const SHUTDOWN_GRACE_MS = 5_000;
/** The client that Verify's own failures are counted under, beside the relying parties' reports. */
const VERIFY_CLIENT = 'keyward:verify';
// Minute buckets older than this are summed into hours: a chart of the last two days keeps its detail.
const FAILURE_MINUTE_DETAIL_MS = 48 * 3_600_000;
const DEFAULT_FAILURE_RETENTION_DAYS = 30;

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
    // Counted even with the endpoint off (a few additions); process metrics only when served.
    const metrics = new KeywardMetrics(
      { keySets: () => keyring.list(), now: clock },
      { processMetrics: config.metricsPort !== 'off' },
    );
    const signatures = new SignatureCounter();
    const sightings = new ClientSightings();
    const keyOf = (keySet: string, kid: string) => keyring.get(keySet)?.keys.find((key) => key.kid === kid);
    const failures = new FailureAggregator({ isKeyOf: (keySet, kid) => keyOf(keySet, kid) !== undefined });
    const failureIntake: FailureIntake = {
      keySetExists: (name) => keyring.get(name) !== undefined,
      record: (observation) => {
        failures.record(observation);
        const state = keyOf(observation.keySet, observation.kid)?.state ?? 'unknown';
        metrics.reported(observation.keySet, observation.reason, state, observation.count);
      },
    };
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
      metrics,
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
      metrics,
    });
    started.push(listener);

    const usage = startUsageFlush(
      store,
      { signatures, sightings, authenticator, failures },
      options.masterKeys,
      config,
      logger,
      clock,
    );
    started.push(usage);

    const scheduler = startScheduler({ manager, intervalMs: config.schedulerIntervalSeconds * 1_000, logger, metrics });
    started.push(scheduler);

    // One limiter for both doors: a token's reports over HTTP and its gRPC calls share its budget.
    const rateLimiter =
      config.rateLimitPerSecond === 0
        ? undefined
        : new RateLimiter({ ratePerSecond: config.rateLimitPerSecond, burst: config.rateLimitBurst });
    const lookup = { keySetOfKid: (kid: string) => manager.keySetOfKid(kid) };

    const grpc: GrpcServer = await startGrpcServer(
      keyService(
        {
          manager,
          verifier: new Verifier({
            keysOf: (name) => manager.view(name).keys,
            clock,
            // Every result is counted; every failure is also a server-side observation among the
            // reports, under the client "keyward:verify".
            observe: ({ keySet, kid, alg, result, at }) => {
              metrics.verified(keySet, result);
              if (result !== 'valid') {
                failureIntake.record({
                  keySet,
                  client: VERIFY_CLIENT,
                  kid: kid ?? '',
                  reason: result,
                  alg: alg ?? '',
                  at,
                  count: 1,
                });
              }
            },
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
          failures: failureIntake,
          publicUrl: config.publicUrl,
          // Every replica issues and accepts the same tokens; a master-key rotation voids them.
          pager: new Pager(deriveSecret(options.masterKeys.current, 'page-tokens')),
        },
        {
          authenticator,
          rateLimiter,
          lookup,
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
      {
        ...gatewaySource(keyring, store, sightings, clock),
        // The ReportVerificationFailures RPC's checks, in the adapter's order, for the HTTP door.
        reportFailures: async (authorization, report) => {
          const now = clock();
          const principal = await authenticator.authenticate(authorization, now);
          const allowance = rateLimiter?.take(principal.id, now.getTime());
          if (allowance !== undefined && !allowance.allowed) throw rateLimitError(allowance.retryAfterMs);
          authorize('reportVerificationFailures', principal, { keySet: report.keySet, items: [] }, lookup);
          return acceptFailureReport(failureIntake, report, actorName(principal), now);
        },
      },
      {
        jwksMaxAgeSeconds: config.jwksMaxAgeSeconds,
        onError: (error: unknown) =>
          logger.error({ err: error instanceof Error ? error.message : String(error) }, 'gateway error'),
        metrics,
      },
      (handler) => createHttpListener(handler, config.tls?.http, config.tls?.hstsMaxAgeSeconds ?? 0),
    );
    const httpPort = await listen(http, config.host, config.httpPort);
    started.push({ stop: () => closeGateway(http) });

    let metricsPort: number | undefined;
    if (config.metricsPort !== 'off') {
      const endpoint = createMetricsListener(metrics, {
        token: config.metricsToken,
        onError: (error: unknown) =>
          logger.error({ err: error instanceof Error ? error.message : String(error) }, 'metrics collection failed'),
      });
      metricsPort = await listen(endpoint, config.metricsHost, config.metricsPort);
      started.push({ stop: () => closeMetricsListener(endpoint) });
    }

    return {
      grpcPort: grpc.port,
      httpPort,
      metricsPort,
      generatedAdminToken: admin.generated,
      manager,
      scheduler,
      failures,
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
  readonly failures: FailureAggregator;
}

function startUsageFlush(
  store: KeyStore & FailureStore & SignatureStore,
  { signatures, sightings, authenticator, failures }: UsageSources,
  masterKeys: MasterKeyRing,
  config: KeywardConfig,
  logger: Logger,
  clock: () => Date,
): PeriodicFlush {
  const retentionMs = (config.failureRetentionDays ?? DEFAULT_FAILURE_RETENTION_DAYS) * 86_400_000;
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
      const reported = failures.drain();
      if (reported.droppedSinceLastDrain > 0) {
        logger.warn(
          { dropped: reported.droppedSinceLastDrain },
          'too many distinct verification-failure buckets; some failures were not counted',
        );
      }
      await store.recordFailures(reported.buckets, reported.unknownKidSamples);
      // Cheap when there is nothing old (indexed), and one replica at a time does it.
      const nowMs = clock().getTime();
      await store.compactFailures({
        rollUpBefore: new Date(nowMs - FAILURE_MINUTE_DETAIL_MS),
        deleteBefore: new Date(nowMs - retentionMs),
      });
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

/** The User-Agent of the dashboard's own JWKS fetches (dashboard/src/lib/live-jwks.ts). */
const DASHBOARD_USER_AGENT = 'keyward-dashboard/1';

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
      const userAgent = request.headers['user-agent'] ?? '';
      // The dashboard showing the live JWKS is no relying party: its looks must not move readiness.
      if (userAgent === DASHBOARD_USER_AGENT) return;
      const client = `${request.socket.remoteAddress ?? ''}\n${userAgent}`;
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
