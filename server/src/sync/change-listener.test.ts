// @vitest-environment node
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startTcpProxy } from '../../../test/support/tcp-proxy.js';
import { CHANGE_LISTENER_APPLICATION_NAME, startChangeListener, type ChangeListener } from './change-listener.js';
import { CHANGES_CHANNEL, encodeChangeNotice, type ChangeNotice } from './channel.js';
import { loggerInto } from '../test-support/logs.js';

/** Values pushed by callbacks, awaited one at a time: tests wait for events, never for the clock. */
class Events<T> {
  private readonly values: T[] = [];
  private readonly waiters: ((value: T) => void)[] = [];
  count = 0;

  readonly push = (value: T): void => {
    this.count += 1;
    const waiter = this.waiters.shift();
    if (waiter) waiter(value);
    else this.values.push(value);
  };

  next(): Promise<T> {
    const value = this.values.shift();
    if (value !== undefined) return Promise.resolve(value);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

let db: TestDatabase;
let notifier: pg.Client;
let logs: string[] = [];
const running: ChangeListener[] = [];

const logger = () => loggerInto(logs, 'debug');

interface Probe {
  listener: ChangeListener;
  changes: Events<ChangeNotice>;
  reconnects: Events<true>;
  reloads: Events<true>;
}

async function listen(
  options: {
    fullReloadIntervalMs?: number;
    onChange?: (notice: ChangeNotice) => void | Promise<void>;
    databaseUrl?: string;
  } = {},
): Promise<Probe> {
  const changes = new Events<ChangeNotice>();
  const reconnects = new Events<true>();
  const reloads = new Events<true>();
  const listener = await startChangeListener({
    databaseUrl: options.databaseUrl ?? db.url,
    logger: logger(),
    fullReloadIntervalMs: options.fullReloadIntervalMs ?? 3_600_000,
    onChange: options.onChange ?? changes.push,
    onReconnect: () => reconnects.push(true),
    onFullReload: () => reloads.push(true),
  });
  running.push(listener);
  return { listener, changes, reconnects, reloads };
}

/** Sends `notice` the way writers do: pg_notify inside a transaction. */
async function notifyInTransaction(
  notice: ChangeNotice | string,
  outcome: 'COMMIT' | 'ROLLBACK' = 'COMMIT',
): Promise<void> {
  const payload = typeof notice === 'string' ? notice : encodeChangeNotice(notice);
  await notifier.query('BEGIN');
  await notifier.query('SELECT pg_notify($1, $2)', [CHANGES_CHANNEL, payload]);
  await notifier.query(outcome);
}

async function listenerBackends(): Promise<number[]> {
  const { rows } = await notifier.query<{ pid: number }>(
    'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
    [CHANGE_LISTENER_APPLICATION_NAME],
  );
  return rows.map((row) => row.pid);
}

/** Accepts and drops connections on `port` until `attempts` were made: the database "is down". */
function dropConnections(port: number, attempts: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const server = createServer((socket) => {
      socket.destroy();
      seen += 1;
      if (seen === attempts) server.close(() => resolve());
    });
    server.once('error', reject);
    server.listen(port, '127.0.0.1');
  });
}

beforeAll(async () => {
  // LISTEN/NOTIFY needs no tables.
  db = await createTestDatabase({ migrate: false });
  notifier = new pg.Client({ connectionString: db.url });
  await notifier.connect();
});

beforeEach(() => {
  logs = [];
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((listener) => listener.stop()));
});

afterAll(async () => {
  await notifier?.end();
  await db?.drop();
});

describe('startChangeListener', () => {
  it('delivers a notice when its transaction commits, and not when it rolls back', async () => {
    const { changes } = await listen();

    await notifyInTransaction({ keySet: 'rolled-back' }, 'ROLLBACK');
    await notifyInTransaction({ keySet: 'payments' });
    await notifyInTransaction({ tokens: true });

    // Notices arrive in commit order, so the rolled-back one would have come first.
    expect(await changes.next()).toEqual({ keySet: 'payments' });
    expect(await changes.next()).toEqual({ tokens: true });
  });

  it('skips payloads it does not understand and keeps listening', async () => {
    const { changes } = await listen();

    await notifyInTransaction('{"clients":true}');
    await notifyInTransaction('not json');
    await notifyInTransaction({ keySet: 'after' });

    expect(await changes.next()).toEqual({ keySet: 'after' });
    expect(logs.join('')).toContain('does not understand');
  });

  it('logs a failing callback and keeps going', async () => {
    const changes = new Events<ChangeNotice>();
    await listen({
      onChange: (notice) => {
        changes.push(notice);
        if ('keySet' in notice && notice.keySet === 'throws') throw new Error('handler broke');
      },
    });
    await listen({
      onChange: (notice) => {
        changes.push(notice);
        return Promise.reject(new Error('async handler broke'));
      },
    });

    await notifyInTransaction({ keySet: 'throws' });
    await notifyInTransaction({ keySet: 'later' });

    const seen = [await changes.next(), await changes.next(), await changes.next(), await changes.next()];
    expect(seen).toContainEqual({ keySet: 'later' });
    const output = logs.join('');
    expect(output).toContain('handler broke');
    expect(output).toContain('async handler broke');
  });

  it('asks for a full reload every interval', async () => {
    const { reloads } = await listen({ fullReloadIntervalMs: 10 });

    await reloads.next();
    await reloads.next();
  });

  it('reconnects after its backend is terminated, says so, and receives later notices', async () => {
    const { changes, reconnects } = await listen();
    const [pid, ...others] = await listenerBackends();
    expect(others).toEqual([]);

    await notifier.query('SELECT pg_terminate_backend($1)', [pid]);
    await reconnects.next();

    expect(await listenerBackends()).not.toContain(pid);
    await notifyInTransaction({ keySet: 'after-reconnect' });
    expect(await changes.next()).toEqual({ keySet: 'after-reconnect' });
    expect(reconnects.count).toBe(1);
    expect(logs.join('')).toContain('reconnected');
  });

  it('comes back after the database was unreachable for several attempts', async () => {
    const target = new URL(db.url);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    try {
      const viaProxy = new URL(db.url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      const { changes, reconnects } = await listen({ databaseUrl: viaProxy.toString() });

      await proxy.cut();
      await dropConnections(proxy.port, 3);
      await proxy.restore();
      await reconnects.next();

      await notifyInTransaction({ keySet: 'after-outage' });
      expect(await changes.next()).toEqual({ keySet: 'after-outage' });
    } finally {
      await proxy.close();
    }
  });

  it('stops: no notice and no reload afterwards', async () => {
    const stopped = await listen({ fullReloadIntervalMs: 5 });
    await stopped.reloads.next();
    await stopped.listener.stop();
    const reloadsAtStop = stopped.reloads.count;

    // A listener still running marks the time: once it has the notice, and has reloaded twice at
    // 20 ms intervals, the stopped one would have had both the notice and several reloads.
    const witness = await listen({ fullReloadIntervalMs: 20 });
    await notifyInTransaction({ keySet: 'after-stop' });
    expect(await witness.changes.next()).toEqual({ keySet: 'after-stop' });
    await witness.reloads.next();
    await witness.reloads.next();

    expect(stopped.changes.count).toBe(0);
    expect(stopped.reloads.count).toBe(reloadsAtStop);
    await stopped.listener.stop(); // idempotent
  });

  it('rejects when the database cannot be reached, without the password in the error', async () => {
    const url = new URL(db.url);
    url.port = '1'; // nothing listens there
    url.username = 'keyward';
    url.password = 's3cret-pass';

    const error = await listen({ databaseUrl: url.toString() }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect(JSON.stringify(error)).not.toContain('s3cret-pass');
    expect(String(error)).not.toContain('s3cret-pass');
  });

  it('rejects a malformed URL without echoing it', async () => {
    const error = await listen({ databaseUrl: 'postgres://keyward:s3cret-pass@[not-a-host/db' }).catch(
      (e: unknown) => e,
    );

    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(JSON.stringify(error)).not.toContain('s3cret-pass');
    expect(String(error)).not.toContain('s3cret-pass');
  });

  it('rejects a full-reload interval a timer cannot honour', async () => {
    for (const fullReloadIntervalMs of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      await expect(listen({ fullReloadIntervalMs })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});
