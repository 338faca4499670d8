// `npm start`: configuration, database (embedded unless DATABASE_URL), migrations, master key,
// then the service, until SIGINT/SIGTERM.
import { startKeyward, type RunningKeyward } from './app.js';
import { ConfigError, loadConfig, type Config } from './config/config.js';
import { createLogger, type Logger } from './logging/logger.js';
import { loadMasterKeys } from './service/master-key.js';
import { startEmbeddedPostgres } from './store/embedded/index.js';
import { applyMigrations } from './store/migrate.js';

interface Stoppable {
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`keyward: ${error.message}\n`);
    process.exit(2);
  }
  const logger = createLogger(config.logLevel);
  for (const warning of config.warnings) logger.warn(warning);
  const resources: Stoppable[] = [];
  const stopAll = async () => {
    for (const resource of resources.reverse()) await resource.stop();
  };

  try {
    let databaseUrl = config.databaseUrl;
    if (databaseUrl === undefined) {
      logger.info({ dataDir: config.dataDir }, 'starting the embedded PostgreSQL (set DATABASE_URL to use your own)');
      const embedded = await startEmbeddedPostgres({
        dataDir: config.dataDir,
        log: (message) => logger.debug({ component: 'postgres' }, message),
      });
      resources.push(embedded);
      databaseUrl = embedded.databaseUrl;
    }
    const { applied } = await applyMigrations(databaseUrl, { log: (message) => logger.info(message) });
    if (applied.length > 0) logger.info({ applied }, 'database migrated');

    const masterKeys = await loadMasterKeys(config.masterKeys, config.dataDir, logger);
    const running = await startKeyward({ config, databaseUrl, masterKeys, logger });
    resources.push(running);
    if (running.generatedAdminToken !== undefined) showGeneratedToken(running, config);
    logger.info(
      { grpcPort: running.grpcPort, httpPort: running.httpPort, metricsPort: running.metricsPort },
      'keyward is serving',
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    logger.fatal({ err: message }, 'keyward cannot start');
    process.stderr.write(`keyward: cannot start: ${message}\n`);
    await stopAll().catch(() => undefined);
    logger.flush();
    process.exit(1);
  }

  handleSignals(logger, stopAll);
}

/** Written to the terminal once, never to the log: it is a credential. */
function showGeneratedToken(running: RunningKeyward, config: Config): void {
  process.stderr.write(
    [
      '',
      '==============================================================================',
      ' Keyward generated an admin API token. It is shown this once and never again:',
      '',
      `   ${running.generatedAdminToken}`,
      '',
      ` Send it as gRPC metadata "authorization: Bearer <token>" to ${config.host}:${running.grpcPort}.`,
      ' Lost it? Restart with KEYWARD_ADMIN_TOKEN set to a secret of your choosing.',
      '',
      ' The dashboard (npm start serves it on 127.0.0.1, port KEYWARD_DASHBOARD_PORT or 3000) signs in staff.',
      ' Create the first one with this token (the password is read from standard input):',
      '',
      `   printf '%s' "$PASSWORD" | KEYWARD_TOKEN=<token> npm run -s keyward -- users create <name> --role admin --password-stdin`,
      '==============================================================================',
      '',
    ].join('\n'),
  );
}

function handleSignals(logger: Logger, stopAll: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stopping = true;
    logger.info({ signal }, 'draining and stopping');
    stopAll().then(
      () => {
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error instanceof Error ? error.message : String(error) }, 'unclean stop');
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

await main();
