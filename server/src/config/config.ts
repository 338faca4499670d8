// Configuration comes from environment variables only, validated once at start. Every problem is
// reported at once, each naming its variable, so an operator fixes them in one pass.
//
// The variables are declared as zod schemas (CONFIG_VARIABLES below; the TLS ones in
// transport/tls-config.ts) rather than checked by hand: each one's type, default, range and
// message sit on one line, and zod collects every issue with the variable as its path instead of
// stopping at the first. Rules between variables are `superRefine`s on the object: here, one
// master-key source and a master key with DATABASE_URL; in tls-config.ts, certificate and key
// together and a client CA only with both. Secrets' messages never quote the value.
import { z } from 'zod';
import { EVEN_AFTER_ISSUES, envSchema, filePath, problemsOf, wholeNumber, type Env } from '../env-schema.js';
import { isLoopbackHost, readTlsConfig, type TlsConfig } from '../transport/tls-config.js';

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
  /** Days reported verification failures are kept (minute detail for the first 48 hours). */
  readonly failureRetentionDays: number;
  /** The /metrics listener's port (0: any free one), or 'off' for none. */
  readonly metricsPort: number | 'off';
  readonly metricsHost: string;
  /** Never logged. When set, every scrape must present it as a bearer token. */
  readonly metricsToken: string | undefined;
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

const DEFAULT_HOST = '127.0.0.1';
const port = wholeNumber('a port number', 0, 65_535);
const seconds = (min: number, max: number) => wholeNumber('whole seconds', min, max);
const count = (min: number, max: number) => wholeNumber('a whole number', min, max);

/** A comma-separated list (the plural variables), blank items dropped. */
const commaList = <Item extends z.ZodType<string, string>>(item: Item) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(item));

// A secret: the message says what is wrong, never what was given. In a list, it says which key.
const masterKey = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9+/]{43}=?$/, {
    error: ({ path }) =>
      `must be 32 bytes, base64-encoded${typeof path?.[1] === 'number' ? ` (key ${path[1] + 1})` : ''} ` +
      '(e.g. `openssl rand -base64 32`)',
  });

const httpUrlError: z.core.$ZodErrorMap = ({ input }) =>
  `must be an http(s) URL without query or fragment, got "${String(input)}"`;

/** One variable for one key, its plural for a rotation in progress (oldest first). */
const TOKEN_RULE =
  'must be at least 32 printable ASCII characters with no white space (e.g. `openssl rand -base64 32`)';
// Never quoted: it is a secret. Any characters an HTTP or gRPC header can carry work (not only the
// kw_ tokens Keyward generates), e.g. `openssl rand -base64 32`.
const bearerToken = z.string().regex(/^[\x21-\x7e]{32,}$/, { error: TOKEN_RULE });

/** Either way the same message: a number out of range fails inside the union, a word outside it. */
const PORT_OR_OFF = 'a port number (or off)';
const portOrOff = z.union([z.literal('off'), wholeNumber(PORT_OR_OFF, 0, 65_535)], {
  error: ({ input }) => `must be ${PORT_OR_OFF} from 0 to 65535, got "${String(input)}"`,
});

const MASTER_KEY_VARIABLES = [
  'KEYWARD_MASTER_KEY',
  'KEYWARD_MASTER_KEYS',
  'KEYWARD_MASTER_KEY_FILE',
  'KEYWARD_MASTER_KEY_FILES',
] as const;

const CONFIG_VARIABLES = envSchema({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, {
      // It may hold a password: not quoted.
      error: 'must be a postgresql:// URL (unset it to use the embedded PostgreSQL)',
    })
    .optional(),
  KEYWARD_DATA_DIR: filePath.prefault('.keyward'),
  KEYWARD_HOST: z.string().default(DEFAULT_HOST),
  KEYWARD_GRPC_PORT: port.default(50051),
  KEYWARD_HTTP_PORT: port.default(8080),
  KEYWARD_PUBLIC_URL: z
    .string()
    .regex(/^[^?#]*$/, { error: httpUrlError })
    .pipe(z.url({ protocol: z.regexes.httpProtocol, error: httpUrlError }))
    .transform((url) => url.replace(/\/+$/, ''))
    .default('http://localhost:8080'),
  KEYWARD_MASTER_KEY: masterKey.transform((key) => [key]).optional(),
  KEYWARD_MASTER_KEYS: commaList(masterKey).optional(),
  KEYWARD_MASTER_KEY_FILE: filePath.transform((path) => [path]).optional(),
  KEYWARD_MASTER_KEY_FILES: commaList(filePath).optional(),
  KEYWARD_ADMIN_TOKEN: bearerToken.optional(),
  KEYWARD_JWKS_MAX_AGE: seconds(0, 86_400).default(300),
  KEYWARD_SCHEDULER_INTERVAL: seconds(1, 3_600).default(5),
  KEYWARD_RELOAD_INTERVAL: seconds(1, 86_400).default(30),
  KEYWARD_USAGE_FLUSH_INTERVAL: seconds(1, 3_600).default(10),
  KEYWARD_RATE_LIMIT: count(0, 1_000_000).default(1_000),
  KEYWARD_RATE_BURST: count(1, 1_000_000).default(2_000),
  KEYWARD_MAX_CONCURRENT_KEYGEN: count(1, 64).default(2),
  // At most the internal key set's max_token_ttl (1 hour).
  KEYWARD_SESSION_TTL: seconds(60, 3_600).default(900),
  KEYWARD_FAILURE_RETENTION_DAYS: count(1, 3_650).default(30),
  // 9464: the port registered for Prometheus exporters of this kind (OpenTelemetry's too).
  KEYWARD_METRICS_PORT: portOrOff.default(9464),
  KEYWARD_METRICS_HOST: z.string().default(DEFAULT_HOST),
  KEYWARD_METRICS_TOKEN: bearerToken.optional(),
  KEYWARD_LOG_LEVEL: z
    .enum(LOG_LEVELS, {
      error: ({ input }) => `must be one of ${LOG_LEVELS.join(', ')}, got "${String(input)}"`,
    })
    .default('info'),
})
  .superRefine((vars, ctx) => {
    // Values may be unparsed here (see EVEN_AFTER_ISSUES): only presence counts.
    const given = MASTER_KEY_VARIABLES.filter((name) => vars[name] !== undefined && vars[name].length > 0);
    if (given.length > 1) {
      ctx.addIssue({
        code: 'custom',
        message: `set one of ${MASTER_KEY_VARIABLES.join(', ')}, not ${given.join(' and ')}`,
      });
    } else if (given.length === 0 && vars.DATABASE_URL !== undefined) {
      ctx.addIssue({
        code: 'custom',
        message:
          'KEYWARD_MASTER_KEY or KEYWARD_MASTER_KEY_FILE is required with DATABASE_URL ' +
          '(only the embedded database generates one for you)',
      });
    }
  }, EVEN_AFTER_ISSUES)
  .transform((vars) => {
    const keys = vars.KEYWARD_MASTER_KEY ?? vars.KEYWARD_MASTER_KEYS ?? [];
    const files = vars.KEYWARD_MASTER_KEY_FILE ?? vars.KEYWARD_MASTER_KEY_FILES ?? [];
    const masterKeys: MasterKeySource =
      keys.length > 0
        ? { kind: 'values', base64: keys }
        : files.length > 0
          ? { kind: 'files', paths: files }
          : { kind: 'none' };
    return {
      databaseUrl: vars.DATABASE_URL,
      dataDir: vars.KEYWARD_DATA_DIR,
      host: vars.KEYWARD_HOST,
      grpcPort: vars.KEYWARD_GRPC_PORT,
      httpPort: vars.KEYWARD_HTTP_PORT,
      publicUrl: vars.KEYWARD_PUBLIC_URL,
      masterKeys,
      adminToken: vars.KEYWARD_ADMIN_TOKEN,
      jwksMaxAgeSeconds: vars.KEYWARD_JWKS_MAX_AGE,
      schedulerIntervalSeconds: vars.KEYWARD_SCHEDULER_INTERVAL,
      reloadIntervalSeconds: vars.KEYWARD_RELOAD_INTERVAL,
      usageFlushIntervalSeconds: vars.KEYWARD_USAGE_FLUSH_INTERVAL,
      rateLimitPerSecond: vars.KEYWARD_RATE_LIMIT,
      rateLimitBurst: vars.KEYWARD_RATE_BURST,
      maxConcurrentKeyGenerations: vars.KEYWARD_MAX_CONCURRENT_KEYGEN,
      sessionTtlSeconds: vars.KEYWARD_SESSION_TTL,
      failureRetentionDays: vars.KEYWARD_FAILURE_RETENTION_DAYS,
      metricsPort: vars.KEYWARD_METRICS_PORT,
      metricsHost: vars.KEYWARD_METRICS_HOST,
      metricsToken: vars.KEYWARD_METRICS_TOKEN,
      logLevel: vars.KEYWARD_LOG_LEVEL,
    } satisfies Omit<Config, 'tls' | 'warnings'>;
  });

export function loadConfig(env: Env = process.env): Config {
  const variables = CONFIG_VARIABLES.safeParse(env);
  // TLS is read even when a variable above is wrong, so its problems are reported too; the host
  // then only feeds warnings, which nobody sees.
  const tls = readTlsConfig(env, variables.data?.host ?? DEFAULT_HOST);
  const problems = [...(variables.success ? [] : problemsOf(variables.error)), ...tls.problems];
  if (!variables.success || problems.length > 0) throw new ConfigError(problems);
  return { ...variables.data, tls: tls.config, warnings: [...tls.warnings, ...metricsWarnings(variables.data)] };
}

/** Anyone who reaches an open /metrics learns the key sets' names and activity. */
function metricsWarnings(config: Pick<Config, 'metricsPort' | 'metricsHost' | 'metricsToken'>): string[] {
  if (config.metricsPort === 'off' || config.metricsToken !== undefined || isLoopbackHost(config.metricsHost)) {
    return [];
  }
  return [
    `/metrics is served on ${config.metricsHost} without a token: whoever reaches it reads key set names and ` +
      'activity; set KEYWARD_METRICS_TOKEN, or KEYWARD_METRICS_HOST to a loopback address',
  ];
}
