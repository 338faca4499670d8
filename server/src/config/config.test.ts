import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const KEY = Buffer.alloc(32, 1).toString('base64');

function problems(env: Record<string, string>): readonly string[] {
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
      logLevel: 'info',
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
    });
    expect(found).toHaveLength(7);
    expect(found.join('\n')).not.toContain('dG9vIHNob3J0');
    expect(found.join('\n')).not.toContain('short');
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
});
