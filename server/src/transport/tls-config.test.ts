// @vitest-environment node

import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestPki, type TestPki } from '../../../test/support/tls-certificates.js';
import { DEFAULT_HSTS_MAX_AGE_SECONDS, isLoopbackHost, readTlsConfig } from './tls-config.js';

let dir: string;
let pki: TestPki;
/** Files that are wrong in one way each; their contents must never show up in a message. */
let bad: { notPem: string; badCertBlock: string; encryptedKey: string; twoKeys: string; directory: string };
const SECRET_MARKER = 'do-not-print-me-7f3a9c';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'keyward-tls-config-'));
  pki = await makeTestPki(dir);
  bad = {
    notPem: join(dir, 'not-pem.txt'),
    badCertBlock: join(dir, 'bad-block.crt'),
    encryptedKey: join(dir, 'encrypted.key'),
    twoKeys: join(dir, 'two.key'),
    directory: join(dir, 'a-directory'),
  };
  await writeFile(bad.notPem, `password=${SECRET_MARKER}\n`);
  await writeFile(bad.badCertBlock, `-----BEGIN CERTIFICATE-----\n${SECRET_MARKER}\n-----END CERTIFICATE-----\n`);
  await writeFile(
    bad.encryptedKey,
    `-----BEGIN ENCRYPTED PRIVATE KEY-----\n${SECRET_MARKER}\n-----END ENCRYPTED PRIVATE KEY-----\n`,
  );
  await writeFile(bad.twoKeys, Buffer.concat([pki.serverKey, pki.clientKey]));
  await mkdir(bad.directory);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every message, checked for leaks: no PEM armour, no base64 line from any file, no marker. */
async function read(env: Record<string, string | undefined>, host = '127.0.0.1', now?: Date) {
  const result = readTlsConfig(env, host, now);
  const pemLines = (
    await Promise.all(
      Object.values(pki.paths).map(async (path: string) => (await readFile(path, 'utf8')).split('\n').slice(1, -2)),
    )
  ).flat();
  for (const message of [...result.problems, ...result.warnings]) {
    expect(message).not.toContain('-----');
    expect(message).not.toContain(SECRET_MARKER);
    for (const line of pemLines) expect(message).not.toContain(line);
  }
  return result;
}

const GRPC = () => ({ KEYWARD_GRPC_TLS_CERT: pki.paths.serverCert, KEYWARD_GRPC_TLS_KEY: pki.paths.serverKey });
const HTTP = () => ({ KEYWARD_HTTP_TLS_CERT: pki.paths.serverCert, KEYWARD_HTTP_TLS_KEY: pki.paths.serverKey });

describe('readTlsConfig', () => {
  it('is plaintext with the default max-age and says nothing, with an empty environment on loopback', async () => {
    const result = await read({});
    expect(result).toEqual({
      config: { grpc: undefined, http: undefined, hstsMaxAgeSeconds: DEFAULT_HSTS_MAX_AGE_SECONDS },
      problems: [],
      warnings: [],
    });
    expect(DEFAULT_HSTS_MAX_AGE_SECONDS).toBe(31_536_000);
  });

  it('treats empty values as unset, like loadConfig', async () => {
    const result = await read({ KEYWARD_GRPC_TLS_CERT: '', KEYWARD_GRPC_TLS_KEY: '', KEYWARD_HSTS_MAX_AGE: '' });
    expect(result.problems).toEqual([]);
    expect(result.config.grpc).toBeUndefined();
  });

  it('reads every variable', async () => {
    const { config, problems, warnings } = await read(
      { ...GRPC(), KEYWARD_GRPC_TLS_CLIENT_CA: pki.paths.ca, ...HTTP(), KEYWARD_HSTS_MAX_AGE: '600' },
      '0.0.0.0',
    );
    expect(problems).toEqual([]);
    expect(warnings).toEqual([]);
    expect(config.hstsMaxAgeSeconds).toBe(600);
    expect(config.grpc).toMatchObject({
      certPath: pki.paths.serverCert,
      keyPath: pki.paths.serverKey,
      clientCaPath: pki.paths.ca,
    });
    expect(config.grpc!.certPem.equals(pki.serverCert)).toBe(true);
    expect(config.grpc!.keyPem.equals(pki.serverKey)).toBe(true);
    expect(config.grpc!.clientCaPem!.equals(pki.caPem)).toBe(true);
    expect(config.http).toMatchObject({ certPath: pki.paths.serverCert, keyPath: pki.paths.serverKey });
    expect(config.http!.keyPem.equals(pki.serverKey)).toBe(true);
  });

  it('keeps private keys out of JSON and util.inspect', async () => {
    const { config } = await read({ ...GRPC(), ...HTTP() });
    const keyBody = pki.serverKey.toString().split('\n')[1]!;
    for (const shown of [JSON.stringify(config), inspect(config, { depth: 5 })]) {
      expect(shown).not.toContain('PRIVATE KEY');
      expect(shown).not.toContain(keyBody);
      // JSON.stringify(Buffer) writes its bytes as numbers.
      expect(shown).not.toContain([...Buffer.from(keyBody.slice(0, 16))].join(','));
    }
  });

  it('gRPC TLS without mutual TLS has no client CA', async () => {
    const { config, problems } = await read(GRPC());
    expect(problems).toEqual([]);
    expect(config.grpc).toMatchObject({ clientCaPath: undefined, clientCaPem: undefined });
  });

  it('needs the key with the certificate, and the certificate with the key', async () => {
    expect((await read({ KEYWARD_GRPC_TLS_CERT: pki.paths.serverCert })).problems).toEqual([
      'KEYWARD_GRPC_TLS_KEY is required with KEYWARD_GRPC_TLS_CERT (set both or neither)',
    ]);
    expect((await read({ KEYWARD_HTTP_TLS_KEY: pki.paths.serverKey })).problems).toEqual([
      'KEYWARD_HTTP_TLS_CERT is required with KEYWARD_HTTP_TLS_KEY (set both or neither)',
    ]);
    const result = await read({ KEYWARD_HTTP_TLS_CERT: pki.paths.serverCert });
    expect(result.problems).toEqual([
      'KEYWARD_HTTP_TLS_KEY is required with KEYWARD_HTTP_TLS_CERT (set both or neither)',
    ]);
    expect(result.config.http).toBeUndefined();
  });

  it('needs the server certificate and key for a client CA', async () => {
    const result = await read({ KEYWARD_GRPC_TLS_CLIENT_CA: pki.paths.ca });
    expect(result.problems).toEqual([
      'KEYWARD_GRPC_TLS_CLIENT_CA needs KEYWARD_GRPC_TLS_CERT and KEYWARD_GRPC_TLS_KEY: ' +
        'mutual TLS runs over TLS, so the server needs its own certificate and key',
    ]);
    expect(result.config.grpc).toBeUndefined();
  });

  it('names the variable and the path of a file that cannot be read', async () => {
    const missing = join(dir, 'nowhere', 'server.crt');
    expect((await read({ ...GRPC(), KEYWARD_GRPC_TLS_CERT: missing })).problems).toEqual([
      `KEYWARD_GRPC_TLS_CERT: cannot read "${missing}" (no such file)`,
    ]);
    expect((await read({ ...HTTP(), KEYWARD_HTTP_TLS_KEY: bad.directory })).problems).toEqual([
      `KEYWARD_HTTP_TLS_KEY: "${bad.directory}" is not a regular file`,
    ]);
    const missingCa = join(dir, 'no-ca.pem');
    expect((await read({ ...GRPC(), KEYWARD_GRPC_TLS_CLIENT_CA: missingCa })).problems).toEqual([
      `KEYWARD_GRPC_TLS_CLIENT_CA: cannot read "${missingCa}" (no such file)`,
    ]);
  });

  it('reports every problem at once', async () => {
    const result = await read({
      KEYWARD_GRPC_TLS_CERT: join(dir, 'missing.crt'),
      KEYWARD_GRPC_TLS_KEY: bad.notPem,
      KEYWARD_HTTP_TLS_CERT: pki.paths.serverCert,
      KEYWARD_HSTS_MAX_AGE: 'a year',
    });
    expect(result.problems).toHaveLength(4);
    expect(result.problems.map((problem) => problem.split(/[ :]/)[0])).toEqual([
      'KEYWARD_GRPC_TLS_CERT',
      'KEYWARD_GRPC_TLS_KEY',
      'KEYWARD_HTTP_TLS_KEY',
      'KEYWARD_HSTS_MAX_AGE',
    ]);
  });

  it("does not let a mistake in one listener's variables hide the other's files", async () => {
    const result = await read(
      {
        KEYWARD_GRPC_TLS_CLIENT_CA: pki.paths.ca,
        KEYWARD_HTTP_TLS_CERT: pki.paths.serverCert,
        KEYWARD_HTTP_TLS_KEY: bad.notPem,
        KEYWARD_HSTS_MAX_AGE: '600',
      },
      '0.0.0.0',
    );
    expect(result.problems).toEqual([
      'KEYWARD_GRPC_TLS_CLIENT_CA needs KEYWARD_GRPC_TLS_CERT and KEYWARD_GRPC_TLS_KEY: ' +
        'mutual TLS runs over TLS, so the server needs its own certificate and key',
      `KEYWARD_HTTP_TLS_KEY: "${bad.notPem}" is not a PEM private key (no "BEGIN PRIVATE KEY" block)`,
    ]);
    expect(result.warnings).toEqual([]);
    expect(result.config).toEqual({ grpc: undefined, http: undefined, hstsMaxAgeSeconds: 600 });
  });

  it('refuses files that are not PEM, without quoting them', async () => {
    expect((await read({ ...GRPC(), KEYWARD_GRPC_TLS_CERT: bad.notPem })).problems).toEqual([
      `KEYWARD_GRPC_TLS_CERT: "${bad.notPem}" is not a PEM certificate (no "BEGIN CERTIFICATE" block)`,
    ]);
    expect((await read({ ...GRPC(), KEYWARD_GRPC_TLS_KEY: bad.notPem })).problems).toEqual([
      `KEYWARD_GRPC_TLS_KEY: "${bad.notPem}" is not a PEM private key (no "BEGIN PRIVATE KEY" block)`,
    ]);
    expect((await read({ ...GRPC(), KEYWARD_GRPC_TLS_CLIENT_CA: bad.notPem })).problems).toEqual([
      `KEYWARD_GRPC_TLS_CLIENT_CA: "${bad.notPem}" is not a PEM CA bundle (no "BEGIN CERTIFICATE" block)`,
    ]);
  });

  it('refuses a key given as the certificate and a certificate given as the key', async () => {
    const swapped = await read({
      KEYWARD_HTTP_TLS_CERT: pki.paths.serverKey,
      KEYWARD_HTTP_TLS_KEY: pki.paths.serverCert,
    });
    expect(swapped.problems).toEqual([
      `KEYWARD_HTTP_TLS_CERT: "${pki.paths.serverKey}" is not a PEM certificate (no "BEGIN CERTIFICATE" block)`,
      `KEYWARD_HTTP_TLS_KEY: "${pki.paths.serverCert}" is not a PEM private key (no "BEGIN PRIVATE KEY" block)`,
    ]);
  });

  it('refuses a CERTIFICATE block that is not a certificate', async () => {
    expect((await read({ ...GRPC(), KEYWARD_GRPC_TLS_CERT: bad.badCertBlock })).problems).toEqual([
      `KEYWARD_GRPC_TLS_CERT: certificate 1 of 1 in "${bad.badCertBlock}" is not a valid X.509 certificate`,
    ]);
  });

  it('refuses an encrypted key, and a file with two keys', async () => {
    expect((await read({ ...HTTP(), KEYWARD_HTTP_TLS_KEY: bad.encryptedKey })).problems).toEqual([
      `KEYWARD_HTTP_TLS_KEY: "${bad.encryptedKey}" is an encrypted private key; Keyward needs it unencrypted ` +
        '(protect the file with its permissions instead)',
    ]);
    expect((await read({ ...HTTP(), KEYWARD_HTTP_TLS_KEY: bad.twoKeys })).problems).toEqual([
      `KEYWARD_HTTP_TLS_KEY: "${bad.twoKeys}" holds 2 private keys; expected one`,
    ]);
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const result = await read({ ...GRPC(), KEYWARD_GRPC_TLS_KEY: pki.paths.clientKey });
    expect(result.problems).toEqual([
      `KEYWARD_GRPC_TLS_KEY ("${pki.paths.clientKey}") is not the private key of the certificate in ` +
        `KEYWARD_GRPC_TLS_CERT ("${pki.paths.serverCert}")`,
    ]);
    expect(result.config.grpc).toBeUndefined();
  });

  it('warns about a certificate outside its validity period', async () => {
    const later = new Date(Date.now() + 3 * 86_400_000);
    const expired = await read(HTTP(), '127.0.0.1', later);
    expect(expired.problems).toEqual([]);
    expect(expired.warnings).toHaveLength(1);
    expect(expired.warnings[0]).toMatch(
      /^KEYWARD_HTTP_TLS_CERT: the certificate in ".*server\.crt" expired on .*; clients will refuse it$/,
    );
    const earlier = await read(GRPC(), '127.0.0.1', new Date(Date.now() - 3 * 86_400_000));
    expect(earlier.warnings[0]).toMatch(/^KEYWARD_GRPC_TLS_CERT: .* is not valid before /);
  });

  it('resolves relative paths', async () => {
    const { config, problems } = await read({
      KEYWARD_HTTP_TLS_CERT: relative(process.cwd(), pki.paths.serverCert),
      KEYWARD_HTTP_TLS_KEY: pki.paths.serverKey,
    });
    expect(problems).toEqual([]);
    expect(config.http!.certPath).toBe(pki.paths.serverCert);
  });

  it('validates KEYWARD_HSTS_MAX_AGE', async () => {
    expect((await read({ ...HTTP(), KEYWARD_HSTS_MAX_AGE: '0' })).config.hstsMaxAgeSeconds).toBe(0);
    expect((await read({ ...HTTP(), KEYWARD_HSTS_MAX_AGE: '63072000' })).config.hstsMaxAgeSeconds).toBe(63_072_000);
    for (const raw of ['-1', '1.5', '1y', '63072001']) {
      const result = await read({ ...HTTP(), KEYWARD_HSTS_MAX_AGE: raw });
      expect(result.problems).toEqual([`KEYWARD_HSTS_MAX_AGE must be whole seconds from 0 to 63072000, got "${raw}"`]);
      expect(result.config.hstsMaxAgeSeconds).toBe(DEFAULT_HSTS_MAX_AGE_SECONDS);
    }
  });

  it('warns that KEYWARD_HSTS_MAX_AGE does nothing over plain HTTP', async () => {
    expect((await read({ KEYWARD_HSTS_MAX_AGE: '600' })).warnings).toEqual([
      'KEYWARD_HSTS_MAX_AGE has no effect: HSTS is only sent over HTTPS (set KEYWARD_HTTP_TLS_CERT/KEY)',
    ]);
  });
});

describe('plaintext warnings', () => {
  it('warns for each plaintext listener on 0.0.0.0', async () => {
    expect((await read({}, '0.0.0.0')).warnings).toEqual([
      'gRPC is served in plaintext on 0.0.0.0: tokens cross the network in clear; set KEYWARD_GRPC_TLS_CERT/KEY',
      'the HTTP gateway is served in plaintext on 0.0.0.0: its JWKS and discovery documents can be altered ' +
        'in transit; set KEYWARD_HTTP_TLS_CERT/KEY (or terminate TLS in front of it)',
    ]);
    expect((await read(GRPC(), '0.0.0.0')).warnings).toEqual([
      expect.stringMatching(/^the HTTP gateway is served in plaintext on 0\.0\.0\.0:/),
    ]);
    expect((await read(HTTP(), '::')).warnings).toEqual([
      'gRPC is served in plaintext on ::: tokens cross the network in clear; set KEYWARD_GRPC_TLS_CERT/KEY',
    ]);
  });

  it('does not warn on loopback addresses', async () => {
    for (const host of ['127.0.0.1', '::1', 'localhost', '127.8.9.10', '[::1]', 'LOCALHOST', '::ffff:127.0.0.1']) {
      expect((await read({}, host)).warnings, host).toEqual([]);
    }
  });

  it('does not also warn about plaintext when TLS was asked for but is misconfigured', async () => {
    const result = await read({ KEYWARD_GRPC_TLS_CERT: pki.paths.serverCert }, '0.0.0.0');
    expect(result.problems).toHaveLength(1);
    expect(result.warnings.some((warning) => warning.startsWith('gRPC'))).toBe(false);
  });
});

describe('isLoopbackHost', () => {
  it('knows 127.0.0.0/8, ::1 and localhost', () => {
    for (const host of ['127.0.0.1', '127.255.255.254', '::1', '0:0:0:0:0:0:0:1', 'localhost', 'api.localhost']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'keyward.internal', '', '::2']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
