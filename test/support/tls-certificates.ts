// A throwaway PKI for TLS tests, made with the openssl CLI (EC P-256: each key takes milliseconds).
//   ca        ─┬─ server (localhost, 127.0.0.1, ::1; serverAuth)
//              └─ client (clientAuth)
//   other CA  ─── other client (clientAuth): a valid certificate the server must not trust.
// Certificates are valid from now for a day. Needs OpenSSL 3.0+ (`req -x509 -CA`).

import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestPkiPaths {
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  readonly otherCa: string;
  readonly otherClientCert: string;
  readonly otherClientKey: string;
}

export interface TestPki {
  readonly caPem: Buffer;
  readonly serverCert: Buffer;
  readonly serverKey: Buffer;
  readonly clientCert: Buffer;
  readonly clientKey: Buffer;
  readonly otherCaPem: Buffer;
  readonly otherClientCert: Buffer;
  readonly otherClientKey: Buffer;
  /** Where each PEM above was written (inside `dir`). */
  readonly paths: TestPkiPaths;
}

type Role = 'ca' | 'server' | 'client';

const EXTENSIONS: Record<Role, string> = {
  ca: ['basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign'].join('\n'),
  server: [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = serverAuth',
    'subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1',
  ].join('\n'),
  client: [
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = clientAuth',
  ].join('\n'),
};

/** Writes the PKI into `dir` (which must exist) and returns it. */
export async function makeTestPki(dir: string): Promise<TestPki> {
  const paths: TestPkiPaths = {
    ca: join(dir, 'ca.crt'),
    serverCert: join(dir, 'server.crt'),
    serverKey: join(dir, 'server.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
    otherCa: join(dir, 'other-ca.crt'),
    otherClientCert: join(dir, 'other-client.crt'),
    otherClientKey: join(dir, 'other-client.key'),
  };
  const caKey = join(dir, 'ca.key');
  const otherCaKey = join(dir, 'other-ca.key');
  await Promise.all([
    issue('ca', 'Keyward Test CA', paths.ca, caKey),
    issue('ca', 'Unrelated Test CA', paths.otherCa, otherCaKey),
  ]);
  await Promise.all([
    issue('server', 'localhost', paths.serverCert, paths.serverKey, { cert: paths.ca, key: caKey }),
    issue('client', 'keyward-test-client', paths.clientCert, paths.clientKey, { cert: paths.ca, key: caKey }),
    issue('client', 'other-test-client', paths.otherClientCert, paths.otherClientKey, {
      cert: paths.otherCa,
      key: otherCaKey,
    }),
  ]);
  const [caPem, serverCert, serverKey, clientCert, clientKey, otherCaPem, otherClientCert, otherClientKey] =
    (await Promise.all(
      [
        paths.ca,
        paths.serverCert,
        paths.serverKey,
        paths.clientCert,
        paths.clientKey,
        paths.otherCa,
        paths.otherClientCert,
        paths.otherClientKey,
      ].map((path) => readFile(path)),
    )) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  return { caPem, serverCert, serverKey, clientCert, clientKey, otherCaPem, otherClientCert, otherClientKey, paths };
}

/** One `openssl req -x509`: a new P-256 key and its certificate, self-signed or signed by `issuer`. */
async function issue(
  role: Role,
  commonName: string,
  certPath: string,
  keyPath: string,
  issuer?: { cert: string; key: string },
): Promise<void> {
  // Our own config file, so the system openssl.cnf (its default v3_ca extensions) plays no part.
  const configPath = `${certPath}.cnf`;
  await writeFile(
    configPath,
    [
      '[req]',
      'prompt = no',
      'distinguished_name = dn',
      'x509_extensions = ext',
      '[dn]',
      `CN = ${commonName}`,
      '[ext]',
      'subjectKeyIdentifier = hash',
      issuer === undefined ? '' : 'authorityKeyIdentifier = keyid',
      EXTENSIONS[role],
      '',
    ].join('\n'),
  );
  await run(
    'openssl',
    [
      'req',
      '-x509',
      '-config',
      configPath,
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-sha256',
      '-keyout',
      keyPath,
      '-out',
      certPath,
      ...(issuer === undefined ? [] : ['-CA', issuer.cert, '-CAkey', issuer.key]),
      '-days',
      '1',
    ],
    { env: { ...process.env, OPENSSL_CONF: configPath } },
  );
}
