// `npm run db:migrate`: applies pending migrations to DATABASE_URL or, without it, to the embedded
// cluster in KEYWARD_DATA_DIR (default ./.keyward). `--verbose` shows PostgreSQL's own output.
// Errors are one line on stderr and exit code 1: the messages are written to be acted on, so a
// stack trace would only bury them.

import { resolve } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded/index.js';
import { applyMigrations } from './migrate.js';

async function main(): Promise<void> {
  const verbose = process.argv.includes('--verbose');
  const debug = (msg: string) => {
    if (verbose) process.stderr.write(`${msg}\n`);
  };
  let embedded: EmbeddedPostgres | undefined;
  const stopOnSignal = (signal: NodeJS.Signals) => {
    // Without this the embedded server would outlive us; the open migration rolls back on its own.
    void (embedded?.stop() ?? Promise.resolve()).finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal).once('SIGTERM', stopOnSignal);

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = resolve(process.env.KEYWARD_DATA_DIR || '.keyward');
    embedded = await startEmbeddedPostgres({ dataDir, log: debug });
    databaseUrl = embedded.databaseUrl;
  }
  try {
    const { applied } = await applyMigrations(databaseUrl, { log: debug });
    for (const name of applied) console.log(`applied ${name}`);
    if (applied.length === 0) console.log('database is up to date');
  } finally {
    await embedded?.stop();
  }
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`db:migrate: ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    process.exitCode = 1;
  },
);
