// Configuration comes from environment variables only, validated once at start. Every problem is
// reported at once, each naming its variable, so an operator fixes them in one pass.
import { resolve } from 'node:path';
import { readTlsConfig, type TlsConfig } from '../transport/tls-config.js';

export interface Config {
  /** Unset: run the embedded PostgreSQL in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** Origin (and optional path prefix) external clients reach the gateway at; no trailing slash. */
  readonly publicUrl: string;
  readonly masterKeys: MasterKeySource;
  /** Never logged. */
  readonly adminToken: string | undefined;
  readonly jwksMaxAgeSeconds: number;
  /** How often each replica's scheduler looks for due lifecycle steps. */
  readonly schedulerIntervalSeconds: number;
  /** How often each replica reloads every key set, in case a change notification was missed. */
  readonly reloadIntervalSeconds: number;
  /** How often signature counts and JWKS client sightings are written from memory. */
  readonly usageFlushIntervalSeconds: number;
  /** Calls per second each token may make (0: unlimited), and how many at once after a pause. */
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  /** Key generations (RSA is slow) that may run at once; more wait, and beyond a queue are refused. */
  readonly maxConcurrentKeyGenerations: number;
  /** Lifetime of a staff login session. */
  readonly sessionTtlSeconds: number;
  readonly logLevel: LogLevel;
  /** KEYWARD_GRPC_TLS_*, KEYWARD_HTTP_TLS_*, KEYWARD_HSTS_MAX_AGE; certificate files already read. */
  readonly tls: TlsConfig;
  /** Not fatal: logged once at start (e.g. plaintext on a non-loopback address). */
  readonly warnings: readonly string[];
}

/** Master keys, oldest first: the last one wraps new data keys. */
export type MasterKeySource =
  | { readonly kind: 'values'; readonly base64: readonly string[] }
  | { readonly kind: 'files'; readonly paths: readonly string[] }
  | { readonly kind: 'none' };

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };

  const wholeNumber =
    (unit: string) =>
    (name: string, fallback: number, min: number, max: number): number => {
      const raw = read(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < min || value > max) {
        problems.push(`${name} must be ${unit} from ${min} to ${max}, got "${raw}"`);
        return fallback;
      }
      return value;
    };
  const seconds = wholeNumber('whole seconds');
  const count = wholeNumber('a whole number');
  const port = (name: string, fallback: number) => wholeNumber('a port number')(name, fallback, 0, 65_535);

  const databaseUrl = read('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgresql:// URL (unset it to use the embedded PostgreSQL)');
  }

  const publicUrl = (read('KEYWARD_PUBLIC_URL') ?? 'http://localhost:8080').replace(/\/+$/, '');
  if (!isHttpUrl(publicUrl)) {
    problems.push(`KEYWARD_PUBLIC_URL must be an http(s) URL without query or fragment, got "${publicUrl}"`);
  }

  // One variable for one key, its plural for a rotation in progress (comma-separated, oldest first).
  const list = (name: string) =>
    read(name)
      ?.split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  const keySources = [
    ['KEYWARD_MASTER_KEY', read('KEYWARD_MASTER_KEY') === undefined ? undefined : [read('KEYWARD_MASTER_KEY')!]],
    ['KEYWARD_MASTER_KEYS', list('KEYWARD_MASTER_KEYS')],
    [
      'KEYWARD_MASTER_KEY_FILE',
      read('KEYWARD_MASTER_KEY_FILE') === undefined ? undefined : [read('KEYWARD_MASTER_KEY_FILE')!],
    ],
    ['KEYWARD_MASTER_KEY_FILES', list('KEYWARD_MASTER_KEY_FILES')],
  ] as const;
  const given = keySources.filter(([, values]) => values !== undefined && values.length > 0);
  let masterKeys: MasterKeySource = { kind: 'none' };
  if (given.length > 1) {
    problems.push(
      `set one of ${keySources.map(([name]) => name).join(', ')}, not ${given.map(([name]) => name).join(' and ')}`,
    );
  } else if (given.length === 1) {
    const [name, values] = given[0]!;
    if (name.includes('FILE')) {
      masterKeys = { kind: 'files', paths: values!.map((path) => resolve(path)) };
    } else {
      // The values themselves are never echoed back: they are secrets.
      values!.forEach((value, index) => {
        if (!isBase64Of32Bytes(value)) {
          const which = values!.length > 1 ? ` (key ${index + 1})` : '';
          problems.push(`${name} must be 32 bytes, base64-encoded${which} (e.g. \`openssl rand -base64 32\`)`);
        }
      });
      masterKeys = { kind: 'values', base64: values! };
    }
  } else if (databaseUrl !== undefined) {
    problems.push(
      'KEYWARD_MASTER_KEY or KEYWARD_MASTER_KEY_FILE is required with DATABASE_URL ' +
        '(only the embedded database generates one for you)',
    );
  }

  const adminToken = read('KEYWARD_ADMIN_TOKEN');
  if (adminToken !== undefined && (adminToken.length < 32 || /\s/.test(adminToken))) {
    problems.push('KEYWARD_ADMIN_TOKEN must be at least 32 characters with no white space');
  }

  const logLevel = (read('KEYWARD_LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`KEYWARD_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  }

  const host = read('KEYWARD_HOST') ?? '127.0.0.1';
  const tls = readTlsConfig(env, host);
  problems.push(...tls.problems);
  const config: Config = {
    databaseUrl,
    dataDir: resolve(read('KEYWARD_DATA_DIR') ?? '.keyward'),
    host,
    grpcPort: port('KEYWARD_GRPC_PORT', 50051),
    httpPort: port('KEYWARD_HTTP_PORT', 8080),
    publicUrl,
    masterKeys,
    adminToken,
    jwksMaxAgeSeconds: seconds('KEYWARD_JWKS_MAX_AGE', 300, 0, 86_400),
    schedulerIntervalSeconds: seconds('KEYWARD_SCHEDULER_INTERVAL', 5, 1, 3_600),
    reloadIntervalSeconds: seconds('KEYWARD_RELOAD_INTERVAL', 30, 1, 86_400),
    usageFlushIntervalSeconds: seconds('KEYWARD_USAGE_FLUSH_INTERVAL', 10, 1, 3_600),
    rateLimitPerSecond: count('KEYWARD_RATE_LIMIT', 1_000, 0, 1_000_000),
    rateLimitBurst: count('KEYWARD_RATE_BURST', 2_000, 1, 1_000_000),
    maxConcurrentKeyGenerations: count('KEYWARD_MAX_CONCURRENT_KEYGEN', 2, 1, 64),
    // At most the internal key set's max_token_ttl (1 hour).
    sessionTtlSeconds: seconds('KEYWARD_SESSION_TTL', 900, 60, 3_600),
    logLevel,
    tls: tls.config,
    warnings: tls.warnings,
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}

function isBase64Of32Bytes(value: string): boolean {
  return /^[A-Za-z0-9+/]{43}=?$/.test(value.trim()) && Buffer.from(value, 'base64').length === 32;
}
