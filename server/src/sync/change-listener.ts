// Keeps this replica's in-memory key sets fresh: LISTENs for the notices other replicas send on
// commit, tells the caller to reload everything after a lost connection (notices sent meanwhile
// are gone), and asks for a full reload periodically in case a notice was missed anyway.

import postgres from 'postgres';
import { KeywardError, invalidArgument } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import { CHANGES_CHANNEL, parseChangeNotice, type ChangeNotice } from './channel.js';

/** Shows in pg_stat_activity, so operators (and tests) can tell the listening session apart. */
export const CHANGE_LISTENER_APPLICATION_NAME = 'keyward-change-listener';

// setInterval treats anything longer as 1 ms.
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface ChangeListenerOptions {
  /** May carry a password: it is never logged nor put in an error. */
  databaseUrl: string;
  onChange: (notice: ChangeNotice) => void | Promise<void>;
  /** The LISTEN connection was lost and is back: notices may have been missed, reload everything. */
  onReconnect: () => void | Promise<void>;
  logger: Logger;
  fullReloadIntervalMs: number;
  /** Safety net for a missed notice: reload everything. */
  onFullReload: () => void | Promise<void>;
  /** Told when onChange has finished with a notice that carries its commit time. */
  metrics?: ChangeListenerMetrics;
}

export interface ChangeListenerMetrics {
  noticeApplied(committedAt: Date): void;
}

export interface ChangeListener {
  /** Ends the connection and the timer; no callback runs afterwards. */
  stop(): Promise<void>;
}

/** Resolves once LISTEN is active, so a notice committed after that is delivered. */
export async function startChangeListener(options: ChangeListenerOptions): Promise<ChangeListener> {
  const { fullReloadIntervalMs } = options;
  if (!Number.isInteger(fullReloadIntervalMs) || fullReloadIntervalMs < 1 || fullReloadIntervalMs > MAX_TIMER_MS) {
    throw invalidArgument('fullReloadIntervalMs', `must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }
  const logger = options.logger.child({ component: 'change-listener' });
  const password = passwordOf(options.databaseUrl);
  const describe = (error: unknown) => redacted(messageOf(error), password);

  let stopped = false;
  // Runs a caller's callback so that neither a throw nor a rejected promise escapes: they would
  // land in postgres.js's socket handler or a timer, and take the process down.
  const run = (what: string, callback: () => void | Promise<void>) => {
    if (stopped) return;
    const failed = (error: unknown) => logger.error({ error: describe(error) }, `${what} failed`);
    try {
      const result: unknown = callback();
      if (result instanceof Promise) result.catch(failed);
    } catch (error) {
      failed(error);
    }
  };

  const sql = connect(options.databaseUrl);

  let listens = 0;
  // postgres.js runs this after the first LISTEN and again after each reconnect re-LISTENs.
  const onListen = () => {
    if (stopped) return;
    listens += 1;
    if (listens === 1) return;
    logger.warn('change listener reconnected; notices may have been missed, reloading everything');
    run('reload after reconnect', options.onReconnect);
  };
  const onNotify = (payload: string) => {
    if (stopped) return;
    const notice = parseChangeNotice(payload);
    if (notice === undefined) {
      logger.warn({ payload: payload.slice(0, 200) }, 'ignored a change notice this version does not understand');
      return;
    }
    run('change handler', async () => {
      await options.onChange(notice);
      if (notice.at !== undefined) options.metrics?.noticeApplied(notice.at);
    });
  };

  try {
    await sql.listen(CHANGES_CHANNEL, onNotify, onListen);
  } catch (error) {
    stopped = true;
    // Otherwise postgres.js keeps retrying the LISTEN in the background.
    await sql.end({ timeout: 0 }).catch(() => {});
    throw new KeywardError('UNAVAILABLE', `change listener could not LISTEN: ${describe(error)}`);
  }

  const reloadTimer = setInterval(() => run('periodic full reload', options.onFullReload), fullReloadIntervalMs);
  reloadTimer.unref(); // a safety net must not keep the process alive

  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearInterval(reloadTimer);
        await sql.end({ timeout: 0 });
      })();
      return stopping;
    },
  };
}

function connect(databaseUrl: string): postgres.Sql {
  try {
    return postgres(databaseUrl, {
      max: 1, // listen() opens its own single connection; this pool never connects
      connection: { application_name: CHANGE_LISTENER_APPLICATION_NAME },
      // The default grows to 20 s between attempts; notices are missed for as long as we are away.
      backoff: (retries) => Math.min(0.05 * 2 ** retries, 2),
      onnotice: () => {}, // LISTEN sends none; the default would console.log them
    });
  } catch {
    // The parser's error (a TypeError from `new URL`) carries the whole URL, password included.
    throw invalidArgument('databaseUrl', 'is not a valid PostgreSQL connection URL');
  }
}

function passwordOf(databaseUrl: string): string {
  try {
    return decodeURIComponent(new URL(databaseUrl).password);
  } catch {
    return '';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Belt and braces: no driver message should quote the password, and if one does it is blanked. */
function redacted(message: string, password: string): string {
  return password === '' ? message : message.split(password).join('[redacted]');
}
