import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from './config.js';

const KEY = Buffer.alloc(32, 1).toString('base64');

function problems(env: Record<string, string | undefined>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('uses the documented defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      databaseUrl: undefined,
      host: '127.0.0.1',
      grpcPort: 50051,
      httpPort: 8080,
      publicUrl: 'http://localhost:8080',
      masterKeys: { kind: 'none' },
      adminToken: undefined,
      jwksMaxAgeSeconds: 300,
      schedulerIntervalSeconds: 5,
      reloadIntervalSeconds: 30,
      usageFlushIntervalSeconds: 10,
      rateLimitPerSecond: 1_000,
      rateLimitBurst: 2_000,
      maxConcurrentKeyGenerations: 2,
      metricsPort: 9464,
      metricsHost: '127.0.0.1',
      metricsToken: undefined,
      logLevel: 'info',
      warnings: [],
    });
    expect(config.dataDir).toMatch(/\/\.keyward$/);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://u@db/keyward',
      KEYWARD_DATA_DIR: '/var/lib/keyward',
      KEYWARD_HOST: '0.0.0.0',
      KEYWARD_GRPC_PORT: '7000',
      KEYWARD_HTTP_PORT: '7001',
      KEYWARD_PUBLIC_URL: 'https://keys.example.com/',
      KEYWARD_MASTER_KEY: KEY,
      KEYWARD_ADMIN_TOKEN: 'a'.repeat(32),
      KEYWARD_JWKS_MAX_AGE: '60',
      KEYWARD_SCHEDULER_INTERVAL: '2',
      KEYWARD_RELOAD_INTERVAL: '20',
      KEYWARD_USAGE_FLUSH_INTERVAL: '3',
      KEYWARD_RATE_LIMIT: '50',
      KEYWARD_RATE_BURST: '100',
      KEYWARD_MAX_CONCURRENT_KEYGEN: '4',
      KEYWARD_METRICS_PORT: '9100',
      KEYWARD_METRICS_HOST: '10.0.0.5',
      KEYWARD_METRICS_TOKEN: 'm'.repeat(32),
      KEYWARD_LOG_LEVEL: 'warn',
    });
    expect(config).toEqual({
      databaseUrl: 'postgresql://u@db/keyward',
      dataDir: '/var/lib/keyward',
      host: '0.0.0.0',
      grpcPort: 7000,
      httpPort: 7001,
      publicUrl: 'https://keys.example.com',
      masterKeys: { kind: 'values', base64: [KEY] },
      adminToken: 'a'.repeat(32),
      jwksMaxAgeSeconds: 60,
      schedulerIntervalSeconds: 2,
      reloadIntervalSeconds: 20,
      usageFlushIntervalSeconds: 3,
      rateLimitPerSecond: 50,
      rateLimitBurst: 100,
      maxConcurrentKeyGenerations: 4,
      sessionTtlSeconds: 900,
      failureRetentionDays: 30,
      metricsPort: 9100,
      metricsHost: '10.0.0.5',
      metricsToken: 'm'.repeat(32),
      logLevel: 'warn',
      tls: { grpc: undefined, http: undefined, hstsMaxAgeSeconds: 31_536_000 },
      warnings: [
        expect.stringMatching(/^gRPC is served in plaintext on 0\.0\.0\.0:/),
        expect.stringMatching(/^the HTTP gateway/),
      ],
    });
  });

  it('reports every bad value at once, naming its variable and never echoing a secret', () => {
    const found = problems({
      KEYWARD_GRPC_PORT: '70000',
      KEYWARD_HTTP_PORT: '-1',
      KEYWARD_JWKS_MAX_AGE: '1.5',
      KEYWARD_MASTER_KEY: 'dG9vIHNob3J0',
      KEYWARD_ADMIN_TOKEN: 'short',
      KEYWARD_LOG_LEVEL: 'loud',
      KEYWARD_PUBLIC_URL: 'https://x.example/?a=b',
      KEYWARD_METRICS_PORT: 'on',
      KEYWARD_METRICS_TOKEN: 'brief',
    });
    expect(found).toHaveLength(9);
    expect(found.join('\n')).not.toContain('dG9vIHNob3J0');
    expect(found.join('\n')).not.toContain('short');
    expect(found.join('\n')).not.toContain('brief');
    expect(found).toContain('KEYWARD_METRICS_PORT must be a port number (or off) from 0 to 65535, got "on"');
    expect(found).toContain('KEYWARD_GRPC_PORT must be a port number from 0 to 65535, got "70000"');
  });

  it('requires a master key with DATABASE_URL, and only one source of it', () => {
    expect(problems({ DATABASE_URL: 'postgresql://db/k' })).toEqual([
      'KEYWARD_MASTER_KEY or KEYWARD_MASTER_KEY_FILE is required with DATABASE_URL (only the embedded database generates one for you)',
    ]);
    expect(problems({ KEYWARD_MASTER_KEY: KEY, KEYWARD_MASTER_KEY_FILE: '/k' })).toEqual([
      'set one of KEYWARD_MASTER_KEY, KEYWARD_MASTER_KEYS, KEYWARD_MASTER_KEY_FILE, KEYWARD_MASTER_KEY_FILES, not KEYWARD_MASTER_KEY and KEYWARD_MASTER_KEY_FILE',
    ]);
    expect(problems({ KEYWARD_MASTER_KEYS: `${KEY},c2hvcnQ=` })).toEqual([
      'KEYWARD_MASTER_KEYS must be 32 bytes, base64-encoded (key 2) (e.g. `openssl rand -base64 32`)',
    ]);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://db/k', KEYWARD_MASTER_KEY_FILE: '/run/secrets/kek' }).masterKeys,
    ).toEqual({
      kind: 'files',
      paths: ['/run/secrets/kek'],
    });
    const rotating = `${Buffer.alloc(32, 2).toString('base64')}, ${KEY}`;
    expect(loadConfig({ DATABASE_URL: 'postgres://db/k', KEYWARD_MASTER_KEYS: rotating }).masterKeys).toEqual({
      kind: 'values',
      base64: [Buffer.alloc(32, 2).toString('base64'), KEY],
    });
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', () => {
    expect(problems({ DATABASE_URL: 'mysql://db/k', KEYWARD_MASTER_KEY: KEY })).toEqual([
      'DATABASE_URL must be a postgresql:// URL (unset it to use the embedded PostgreSQL)',
    ]);
  });

  it('keeps every range: both ends accepted, one past either end refused', () => {
    const ranges: [string, keyof Config, number, number, string][] = [
      ['KEYWARD_GRPC_PORT', 'grpcPort', 0, 65_535, 'a port number'],
      ['KEYWARD_HTTP_PORT', 'httpPort', 0, 65_535, 'a port number'],
      ['KEYWARD_JWKS_MAX_AGE', 'jwksMaxAgeSeconds', 0, 86_400, 'whole seconds'],
      ['KEYWARD_SCHEDULER_INTERVAL', 'schedulerIntervalSeconds', 1, 3_600, 'whole seconds'],
      ['KEYWARD_RELOAD_INTERVAL', 'reloadIntervalSeconds', 1, 86_400, 'whole seconds'],
      ['KEYWARD_USAGE_FLUSH_INTERVAL', 'usageFlushIntervalSeconds', 1, 3_600, 'whole seconds'],
      ['KEYWARD_RATE_LIMIT', 'rateLimitPerSecond', 0, 1_000_000, 'a whole number'],
      ['KEYWARD_RATE_BURST', 'rateLimitBurst', 1, 1_000_000, 'a whole number'],
      ['KEYWARD_MAX_CONCURRENT_KEYGEN', 'maxConcurrentKeyGenerations', 1, 64, 'a whole number'],
      ['KEYWARD_SESSION_TTL', 'sessionTtlSeconds', 60, 3_600, 'whole seconds'],
      ['KEYWARD_FAILURE_RETENTION_DAYS', 'failureRetentionDays', 1, 3_650, 'a whole number'],
    ];
    for (const [name, field, min, max, unit] of ranges) {
      expect(loadConfig({ [name]: String(min) })[field], name).toBe(min);
      expect(loadConfig({ [name]: String(max) })[field], name).toBe(max);
      for (const bad of [String(max + 1), ...(min > 0 ? [String(min - 1)] : []), '-1', '1e3', ' 5', 'x']) {
        expect(problems({ [name]: bad }), `${name}=${bad}`).toEqual([
          `${name} must be ${unit} from ${min} to ${max}, got "${bad}"`,
        ]);
      }
    }
  });

  it('treats an empty variable as unset', () => {
    const config = loadConfig({
      KEYWARD_GRPC_PORT: '',
      KEYWARD_LOG_LEVEL: '',
      KEYWARD_MASTER_KEY: '',
      DATABASE_URL: '',
    });
    expect(config).toMatchObject({ grpcPort: 50051, logLevel: 'info', masterKeys: { kind: 'none' } });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('takes an http(s) public URL without its trailing slashes, and refuses others saying what it got', () => {
    expect(loadConfig({ KEYWARD_PUBLIC_URL: 'https://keys.example.com/base//' }).publicUrl).toBe(
      'https://keys.example.com/base',
    );
    for (const bad of ['ftp://keys.example.com', 'http:keys.example.com', 'https://x.example/#top', 'keys.example']) {
      expect(problems({ KEYWARD_PUBLIC_URL: bad })).toEqual([
        `KEYWARD_PUBLIC_URL must be an http(s) URL without query or fragment, got "${bad}"`,
      ]);
    }
  });

  it('names the log levels it accepts', () => {
    expect(problems({ KEYWARD_LOG_LEVEL: 'INFO' })).toEqual([
      'KEYWARD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "INFO"',
    ]);
  });

  it.each([
    ['white space', `${'t0ken'.repeat(7)} more`],
    ['a character no gRPC header carries', `${'t0ken'.repeat(7)}é`],
  ])('never echoes an admin token, even a long enough one holding %s', (_label, token) => {
    expect(problems({ KEYWARD_ADMIN_TOKEN: token })).toEqual([
      'KEYWARD_ADMIN_TOKEN must be at least 32 printable ASCII characters with no white space (e.g. `openssl rand -base64 32`)',
    ]);
  });

  it('takes an admin token of any printable characters, not only the kw_ tokens Keyward generates', () => {
    const token = 'n0t+a/kw_token+but=an/operator+choice==';
    expect(loadConfig({ KEYWARD_ADMIN_TOKEN: token }).adminToken).toBe(token);
  });

  it('does not let a wrong value hide a rule between variables, nor the TLS problems', () => {
    expect(
      problems({
        DATABASE_URL: 'postgresql://db/k',
        KEYWARD_LOG_LEVEL: 'loud',
        KEYWARD_GRPC_PORT: 'x',
        KEYWARD_GRPC_TLS_CERT: '/etc/keyward/server.crt',
      }),
    ).toEqual([
      'KEYWARD_GRPC_PORT must be a port number from 0 to 65535, got "x"',
      'KEYWARD_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'KEYWARD_MASTER_KEY or KEYWARD_MASTER_KEY_FILE is required with DATABASE_URL (only the embedded database generates one for you)',
      'KEYWARD_GRPC_TLS_KEY is required with KEYWARD_GRPC_TLS_CERT (set both or neither)',
    ]);
  });

  it('checks every key of a rotation and every source at once', () => {
    expect(problems({ KEYWARD_MASTER_KEY: 'short', KEYWARD_MASTER_KEYS: `${KEY}, ,bad` })).toEqual([
      'KEYWARD_MASTER_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)',
      'KEYWARD_MASTER_KEYS must be 32 bytes, base64-encoded (key 2) (e.g. `openssl rand -base64 32`)',
      'set one of KEYWARD_MASTER_KEY, KEYWARD_MASTER_KEYS, KEYWARD_MASTER_KEY_FILE, KEYWARD_MASTER_KEY_FILES, not KEYWARD_MASTER_KEY and KEYWARD_MASTER_KEYS',
    ]);
    expect(loadConfig({ KEYWARD_MASTER_KEY_FILES: 'old.key, new.key' }).masterKeys).toEqual({
      kind: 'files',
      paths: [`${process.cwd()}/old.key`, `${process.cwd()}/new.key`],
    });
  });

  it('turns /metrics off, or serves it on any free port', () => {
    expect(loadConfig({ KEYWARD_METRICS_PORT: 'off' }).metricsPort).toBe('off');
    expect(loadConfig({ KEYWARD_METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(loadConfig({ KEYWARD_METRICS_PORT: '65535' }).metricsPort).toBe(65_535);
    for (const bad of ['65536', '-1', 'OFF', 'x']) {
      expect(problems({ KEYWARD_METRICS_PORT: bad })).toEqual([
        `KEYWARD_METRICS_PORT must be a port number (or off) from 0 to 65535, got "${bad}"`,
      ]);
    }
  });

  it('warns when /metrics is bound beyond loopback without a token, and only then', () => {
    const { warnings } = loadConfig({ KEYWARD_METRICS_HOST: '0.0.0.0' });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^\/metrics is served on 0\.0\.0\.0 without a token: .*KEYWARD_METRICS_TOKEN/);
    expect(loadConfig({ KEYWARD_METRICS_HOST: '0.0.0.0', KEYWARD_METRICS_TOKEN: 't'.repeat(32) }).warnings).toEqual([]);
    expect(loadConfig({ KEYWARD_METRICS_HOST: '0.0.0.0', KEYWARD_METRICS_PORT: 'off' }).warnings).toEqual([]);
    expect(loadConfig({ KEYWARD_METRICS_HOST: '::1' }).warnings).toEqual([]);
    // The listeners' address does not move /metrics.
    expect(loadConfig({ KEYWARD_HOST: '0.0.0.0' }).warnings.join('\n')).not.toContain('/metrics');
  });

  it('gives each warning once', () => {
    const { warnings } = loadConfig({ KEYWARD_HOST: '0.0.0.0', KEYWARD_HSTS_MAX_AGE: '600' });
    expect(warnings).toEqual([
      expect.stringMatching(/^gRPC is served in plaintext on 0\.0\.0\.0:/),
      expect.stringMatching(/^the HTTP gateway is served in plaintext on 0\.0\.0\.0:/),
      'KEYWARD_HSTS_MAX_AGE has no effect: HSTS is only sent over HTTPS (set KEYWARD_HTTP_TLS_CERT/KEY)',
    ]);
  });
});

describe('loadConfig on any environment', () => {
  const VARIABLES = [
    'DATABASE_URL',
    'KEYWARD_DATA_DIR',
    'KEYWARD_HOST',
    'KEYWARD_GRPC_PORT',
    'KEYWARD_HTTP_PORT',
    'KEYWARD_PUBLIC_URL',
    'KEYWARD_JWKS_MAX_AGE',
    'KEYWARD_SCHEDULER_INTERVAL',
    'KEYWARD_RELOAD_INTERVAL',
    'KEYWARD_USAGE_FLUSH_INTERVAL',
    'KEYWARD_RATE_LIMIT',
    'KEYWARD_RATE_BURST',
    'KEYWARD_MAX_CONCURRENT_KEYGEN',
    'KEYWARD_SESSION_TTL',
    'KEYWARD_FAILURE_RETENTION_DAYS',
    'KEYWARD_METRICS_PORT',
    'KEYWARD_METRICS_HOST',
    'KEYWARD_LOG_LEVEL',
    'KEYWARD_MASTER_KEY_FILE',
    'KEYWARD_MASTER_KEY_FILES',
    'KEYWARD_GRPC_TLS_CERT',
    'KEYWARD_GRPC_TLS_KEY',
    'KEYWARD_GRPC_TLS_CLIENT_CA',
    'KEYWARD_HTTP_TLS_CERT',
    'KEYWARD_HTTP_TLS_KEY',
    'KEYWARD_HSTS_MAX_AGE',
  ];
  const SECRETS = ['KEYWARD_MASTER_KEY', 'KEYWARD_MASTER_KEYS', 'KEYWARD_ADMIN_TOKEN', 'KEYWARD_METRICS_TOKEN'];
  /** Put into every secret value: it must show up in no problem. */
  const MARKER = 'n0t-f0r-l0gs';
  const NAMES_ONE = new RegExp(`\\b(${[...VARIABLES, ...SECRETS].join('|')})\\b`);
  const value = fc.oneof(
    fc.string(),
    fc.stringMatching(/^-?\d{1,9}$/),
    fc.constantFrom('', ' ', '0', '65535', '1.5', 'info', 'postgresql://db/k', 'http://x/', 'https://x?y', '/', '.'),
  );
  const secret = fc.oneof(
    fc.string().map((text) => `${text}${MARKER}`),
    fc.constant(`${KEY.slice(0, 30)}${MARKER}`),
    fc.constant(`${KEY},${MARKER}`),
  );
  const env = fc.record(
    {
      ...Object.fromEntries(VARIABLES.map((name) => [name, fc.option(value, { nil: undefined })])),
      ...Object.fromEntries(SECRETS.map((name) => [name, fc.option(secret, { nil: undefined })])),
      UNRELATED: fc.string(),
    },
    { requiredKeys: [] },
  );

  it('throws nothing but ConfigError, whose every problem names a variable and no secret', () => {
    fc.assert(
      fc.property(env, (given) => {
        for (const problem of problems(given)) {
          expect(problem).toMatch(NAMES_ONE);
          expect(problem).not.toContain(MARKER);
        }
      }),
    );
  });
});
