// Several Keyward replicas as an operator runs them: the real entry point (`node server/dist/main.js`)
// per replica, all on one PostgreSQL database with the same master key and admin token, each on
// ports of its own. For test/replicas.test.ts.
import { credentials } from '@grpc/grpc-js';
import { KeyServiceClient } from '@keyward/proto/keyward/v1';
import { randomBytes } from 'node:crypto';
import { queryDatabase } from './sql.js';
import { promisedRpcs, type KeyServiceRpcs } from './keyward.js';
import { startServiceProcess, type ServiceProcess } from './process.js';

export interface ReplicaSettings {
  readonly databaseUrl: string;
  readonly masterKey: string;
  readonly adminToken: string;
  /** Extra or overriding KEYWARD_* variables. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface Replica {
  readonly name: string;
  readonly process: ServiceProcess;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Each RPC as a promise, with the admin token and a deadline. */
  readonly rpc: KeyServiceRpcs;
  /** GET /key-sets/{name}/.well-known/jwks.json on this replica. */
  jwks(keySet: string): Promise<JwksAnswer>;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: no drain, no clean-up, connections cut mid-flight. */
  kill(): Promise<number | null>;
}

export interface JwksAnswer {
  readonly status: number;
  readonly etag: string | null;
  readonly body: string;
}

/** Short real-time periods: max-age 1 s (so stale-while-revalidate 1 s), a tick a second. */
export function replicaSettings(databaseUrl: string, env: Readonly<Record<string, string>> = {}): ReplicaSettings {
  return {
    databaseUrl,
    masterKey: randomBytes(32).toString('base64'),
    adminToken: `kw_replicas_${randomBytes(24).toString('base64url')}`,
    env,
  };
}

const RPC_DEADLINE_MS = 20_000;
let started = 0;

/** Starts one replica and resolves once it logged `keyward is serving`. */
export async function startReplica(settings: ReplicaSettings, name = `replica-${(started += 1)}`): Promise<Replica> {
  const child = startServiceProcess({
    DATABASE_URL: settings.databaseUrl,
    KEYWARD_MASTER_KEY: settings.masterKey,
    KEYWARD_ADMIN_TOKEN: settings.adminToken,
    KEYWARD_GRPC_PORT: '0',
    KEYWARD_HTTP_PORT: '0',
    KEYWARD_JWKS_MAX_AGE: '1',
    KEYWARD_SCHEDULER_INTERVAL: '1',
    KEYWARD_RELOAD_INTERVAL: '5',
    KEYWARD_LOG_LEVEL: 'info',
    ...settings.env,
  });
  const serving = await child.waitForLog('keyward is serving');
  const grpcPort = serving.grpcPort as number;
  const httpPort = serving.httpPort as number;
  const client = new KeyServiceClient(`127.0.0.1:${grpcPort}`, credentials.createInsecure());
  void child.exited().then(() => client.close());
  const signal = async (which: NodeJS.Signals) => {
    if (child.child.exitCode === null && child.child.signalCode === null) child.child.kill(which);
    return child.exited();
  };
  return {
    name,
    process: child,
    grpcPort,
    httpPort,
    rpc: promisedRpcs(client, settings.adminToken, () => ({ deadline: new Date(Date.now() + RPC_DEADLINE_MS) })),
    async jwks(keySet) {
      const response = await fetch(`http://127.0.0.1:${httpPort}/key-sets/${keySet}/.well-known/jwks.json`);
      return { status: response.status, etag: response.headers.get('etag'), body: await response.text() };
    },
    stop: () => signal('SIGTERM'),
    kill: () => signal('SIGKILL'),
  };
}

/**
 * The replicas a test file started, so that tests can share processes: `ensure(n)` tops the running
 * ones up to n (starting only what is missing) and returns n of them, oldest first.
 */
export class ReplicaPool {
  readonly #started: Replica[] = [];

  constructor(private readonly settings: ReplicaSettings) {}

  /** Those that have not exited, oldest first. */
  running(): Replica[] {
    return this.#started.filter(
      (replica) => replica.process.child.exitCode === null && replica.process.child.signalCode === null,
    );
  }

  async start(): Promise<Replica> {
    const replica = await startReplica(this.settings);
    this.#started.push(replica);
    return replica;
  }

  async ensure(count: number): Promise<Replica[]> {
    const missing = Math.max(0, count - this.running().length);
    await Promise.all(Array.from({ length: missing }, () => this.start()));
    return this.running().slice(0, count);
  }
}

/**
 * Polls `condition` every `intervalMs` until it returns something other than undefined/false, and
 * resolves with that; rejects after `timeoutMs` with `what` and the last value or error seen.
 */
export async function waitFor<T>(
  what: string,
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface KeyRow {
  readonly kid: string;
  readonly state: string;
  readonly use: string;
  readonly created_at: Date;
  readonly has_encrypted_private_key: boolean;
  readonly has_wrapped_data_key: boolean;
  readonly has_master_key_id: boolean;
}

/** Every key row of a key set, oldest first, with whether each piece of private material is there. */
export function keyRows(databaseUrl: string, keySet: string): Promise<KeyRow[]> {
  return queryDatabase<KeyRow>(
    databaseUrl,
    `SELECT k.kid, k.state::text AS state, k.use::text AS use, k.created_at,
            k.encrypted_private_key IS NOT NULL AS has_encrypted_private_key,
            k.wrapped_data_key IS NOT NULL AS has_wrapped_data_key,
            k.master_key_id IS NOT NULL AS has_master_key_id
     FROM keys k JOIN key_sets s ON s.id = k.key_set_id
     WHERE s.name = $1
     ORDER BY k.created_at, k.kid`,
    [keySet],
  );
}

export interface EventRow {
  readonly id: string;
  readonly kid: string | null;
  readonly type: string;
  readonly actor: string;
}

/** The audit trail of a key set, in the order it was written. */
export function eventRows(databaseUrl: string, keySet: string): Promise<EventRow[]> {
  return queryDatabase<EventRow>(
    databaseUrl,
    `SELECT e.id::text AS id, e.kid, e.type, e.actor
     FROM key_events e JOIN key_sets s ON s.id = e.key_set_id
     WHERE s.name = $1
     ORDER BY e.id`,
    [keySet],
  );
}

/** The kids a JWKS document publishes, in its order. */
export function kidsOf(jwksBody: string): string[] {
  return (JSON.parse(jwksBody) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
}
