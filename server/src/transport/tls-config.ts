// TLS for the two listeners, from environment variables, checked once at start like loadConfig:
// zod schemas check the variables and the rules between them (cert and key together, a client CA
// only with both), then small functions read the files they name and check them (PEM, key matches
// certificate). Every problem is collected and names its variable (and the file it points at).
// File contents never appear in a message, nor do library error texts (which may quote what they parsed).

import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { z } from 'zod';
import { EVEN_AFTER_ISSUES, envSchema, filePath, problemsOf, wholeNumber, type Env } from '../env-schema.js';

/** A certificate chain and its private key, read at start. */
export interface TlsKeyPair {
  readonly certPath: string;
  readonly keyPath: string;
  /** PEM: the leaf certificate first, then any intermediates. */
  readonly certPem: Buffer;
  /** PEM. Non-enumerable, so JSON.stringify, util.inspect and loggers leave it out. */
  readonly keyPem: Buffer;
}

export interface GrpcTls extends TlsKeyPair {
  /** Set: mutual TLS, every client must present a certificate issued by one of these CAs. */
  readonly clientCaPath: string | undefined;
  readonly clientCaPem: Buffer | undefined;
}

export type HttpTls = TlsKeyPair;

export interface TlsConfig {
  /** Undefined: gRPC is served in plaintext. */
  readonly grpc: GrpcTls | undefined;
  /** Undefined: the gateway is served over plain HTTP. */
  readonly http: HttpTls | undefined;
  /** Sent as Strict-Transport-Security over HTTPS only. */
  readonly hstsMaxAgeSeconds: number;
}

export interface TlsConfigResult {
  readonly config: TlsConfig;
  /** Each names its variable; non-empty means the service must not start. */
  readonly problems: string[];
  /** Each names its variable; worth logging at start, not fatal. */
  readonly warnings: string[];
}

export const DEFAULT_HSTS_MAX_AGE_SECONDS = 31_536_000;
/** Two years: the longest max-age in common use (and what HSTS preload lists suggest). */
const MAX_HSTS_MAX_AGE_SECONDS = 63_072_000;
/** PEM certificates and keys are a few KiB; anything this large is the wrong file. */
const MAX_PEM_BYTES = 1024 * 1024;

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** True for 127.0.0.0/8, ::1 (also IPv4-mapped and unabbreviated forms) and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const name = bare.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIPv4(name)) return LOOPBACK.check(name, 'ipv4');
  if (isIPv6(name)) return LOOPBACK.check(name, 'ipv6');
  return false;
}

// The variables, one schema per listener so that a mistake in one does not hide the files of the
// other. The schemas hold the rules between variables; the files are read and checked after them.

/** A rule between two variables: both or neither. */
function bothOrNeither(first: string, second: string) {
  return (vars: Readonly<Record<string, unknown>>, ctx: z.RefinementCtx) => {
    for (const [missing, given] of [
      [second, first],
      [first, second],
    ] as const) {
      if (vars[given] !== undefined && vars[missing] === undefined) {
        ctx.addIssue({ code: 'custom', path: [missing], message: `is required with ${given} (set both or neither)` });
      }
    }
  };
}

/** Undefined: plaintext. Otherwise the resolved paths of the files to read. */
const GRPC_TLS_VARIABLES = envSchema({
  KEYWARD_GRPC_TLS_CERT: filePath.optional(),
  KEYWARD_GRPC_TLS_KEY: filePath.optional(),
  KEYWARD_GRPC_TLS_CLIENT_CA: filePath.optional(),
})
  .superRefine(bothOrNeither('KEYWARD_GRPC_TLS_CERT', 'KEYWARD_GRPC_TLS_KEY'), EVEN_AFTER_ISSUES)
  .superRefine((vars, ctx) => {
    if (
      vars.KEYWARD_GRPC_TLS_CLIENT_CA !== undefined &&
      (vars.KEYWARD_GRPC_TLS_CERT === undefined || vars.KEYWARD_GRPC_TLS_KEY === undefined)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['KEYWARD_GRPC_TLS_CLIENT_CA'],
        message:
          'needs KEYWARD_GRPC_TLS_CERT and KEYWARD_GRPC_TLS_KEY: ' +
          'mutual TLS runs over TLS, so the server needs its own certificate and key',
      });
    }
  }, EVEN_AFTER_ISSUES)
  .transform(({ KEYWARD_GRPC_TLS_CERT: cert, KEYWARD_GRPC_TLS_KEY: key, KEYWARD_GRPC_TLS_CLIENT_CA: clientCa }) =>
    cert === undefined || key === undefined ? undefined : { cert, key, clientCa },
  );

/** Undefined: plain HTTP. Otherwise the resolved paths of the files to read. */
const HTTP_TLS_VARIABLES = envSchema({
  KEYWARD_HTTP_TLS_CERT: filePath.optional(),
  KEYWARD_HTTP_TLS_KEY: filePath.optional(),
})
  .superRefine(bothOrNeither('KEYWARD_HTTP_TLS_CERT', 'KEYWARD_HTTP_TLS_KEY'), EVEN_AFTER_ISSUES)
  .transform(({ KEYWARD_HTTP_TLS_CERT: cert, KEYWARD_HTTP_TLS_KEY: key }) =>
    cert === undefined || key === undefined ? undefined : { cert, key },
  );

const HSTS_VARIABLES = envSchema({
  KEYWARD_HSTS_MAX_AGE: wholeNumber('whole seconds', 0, MAX_HSTS_MAX_AGE_SECONDS).optional(),
});

/**
 * Reads KEYWARD_GRPC_TLS_CERT/KEY/CLIENT_CA, KEYWARD_HTTP_TLS_CERT/KEY and KEYWARD_HSTS_MAX_AGE.
 * `host` is the address both listeners bind to (KEYWARD_HOST), for the plaintext warnings.
 */
export function readTlsConfig(env: Env, host: string, now: Date = new Date()): TlsConfigResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const files = new PemReader(problems, warnings, now);

  // gRPC
  const grpcVariables = GRPC_TLS_VARIABLES.safeParse(env);
  let grpc: GrpcTls | undefined;
  if (!grpcVariables.success) {
    problems.push(...problemsOf(grpcVariables.error));
  } else if (grpcVariables.data !== undefined) {
    const paths = grpcVariables.data;
    const pair = files.keyPair('KEYWARD_GRPC_TLS_CERT', paths.cert, 'KEYWARD_GRPC_TLS_KEY', paths.key);
    const clientCa =
      paths.clientCa === undefined
        ? undefined
        : files.certificates('KEYWARD_GRPC_TLS_CLIENT_CA', paths.clientCa, 'CA bundle');
    if (pair !== undefined && (paths.clientCa === undefined || clientCa !== undefined)) {
      grpc = withHiddenKey({
        certPath: pair.cert.path,
        keyPath: pair.key.path,
        certPem: pair.cert.pem,
        keyPem: pair.key.pem,
        clientCaPath: clientCa?.path,
        clientCaPem: clientCa?.pem,
      });
    }
  } else if (!isLoopbackHost(host)) {
    warnings.push(
      `gRPC is served in plaintext on ${host}: tokens cross the network in clear; set KEYWARD_GRPC_TLS_CERT/KEY`,
    );
  }

  // HTTP gateway
  const httpVariables = HTTP_TLS_VARIABLES.safeParse(env);
  let http: HttpTls | undefined;
  if (!httpVariables.success) {
    problems.push(...problemsOf(httpVariables.error));
  } else if (httpVariables.data !== undefined) {
    const paths = httpVariables.data;
    const pair = files.keyPair('KEYWARD_HTTP_TLS_CERT', paths.cert, 'KEYWARD_HTTP_TLS_KEY', paths.key);
    if (pair !== undefined) {
      http = withHiddenKey({
        certPath: pair.cert.path,
        keyPath: pair.key.path,
        certPem: pair.cert.pem,
        keyPem: pair.key.pem,
      });
    }
  } else if (!isLoopbackHost(host)) {
    warnings.push(
      `the HTTP gateway is served in plaintext on ${host}: its JWKS and discovery documents can be altered ` +
        'in transit; set KEYWARD_HTTP_TLS_CERT/KEY (or terminate TLS in front of it)',
    );
  }

  // HSTS
  const hstsVariables = HSTS_VARIABLES.safeParse(env);
  if (!hstsVariables.success) problems.push(...problemsOf(hstsVariables.error));
  const hstsMaxAge = hstsVariables.data?.KEYWARD_HSTS_MAX_AGE;
  if (hstsMaxAge !== undefined && httpVariables.success && httpVariables.data === undefined) {
    warnings.push('KEYWARD_HSTS_MAX_AGE has no effect: HSTS is only sent over HTTPS (set KEYWARD_HTTP_TLS_CERT/KEY)');
  }

  return { config: { grpc, http, hstsMaxAgeSeconds: hstsMaxAge ?? DEFAULT_HSTS_MAX_AGE_SECONDS }, problems, warnings };
}

interface PemFile {
  readonly path: string;
  readonly pem: Buffer;
}

interface ParsedCertificates extends PemFile {
  readonly leaf: X509Certificate;
}

interface ParsedKey extends PemFile {
  readonly key: KeyObject;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

class PemReader {
  constructor(
    private readonly problems: string[],
    private readonly warnings: string[],
    private readonly now: Date,
  ) {}

  /** Reads both; when both parse, also checks that the key belongs to the certificate. */
  keyPair(
    certName: string,
    certPath: string,
    keyName: string,
    keyPath: string,
  ): { cert: ParsedCertificates; key: ParsedKey } | undefined {
    const cert = this.certificates(certName, certPath, 'certificate');
    const key = this.privateKey(keyName, keyPath);
    if (cert === undefined || key === undefined) return undefined;
    if (!cert.leaf.checkPrivateKey(key.key)) {
      this.problems.push(
        `${keyName} ("${key.path}") is not the private key of the certificate in ${certName} ("${cert.path}")`,
      );
      return undefined;
    }
    const validFrom = new Date(cert.leaf.validFrom);
    const validTo = new Date(cert.leaf.validTo);
    if (validTo < this.now) {
      this.warnings.push(
        `${certName}: the certificate in "${cert.path}" expired on ${validTo.toISOString()}; clients will refuse it`,
      );
    } else if (validFrom > this.now) {
      this.warnings.push(
        `${certName}: the certificate in "${cert.path}" is not valid before ${validFrom.toISOString()}; clients will refuse it`,
      );
    }
    return { cert, key };
  }

  /** One or more CERTIFICATE blocks, each a parseable X.509 certificate; the first is the leaf. */
  certificates(name: string, path: string, what: 'certificate' | 'CA bundle'): ParsedCertificates | undefined {
    const file = this.readFile(name, path);
    if (file === undefined) return undefined;
    const blocks = pemBlocks(file.pem).filter((block) => block.label === 'CERTIFICATE');
    if (blocks.length === 0) {
      this.problems.push(`${name}: "${file.path}" is not a PEM ${what} (no "BEGIN CERTIFICATE" block)`);
      return undefined;
    }
    let leaf: X509Certificate | undefined;
    for (const [index, block] of blocks.entries()) {
      try {
        const certificate = new X509Certificate(block.text);
        leaf ??= certificate;
      } catch {
        this.problems.push(
          `${name}: certificate ${index + 1} of ${blocks.length} in "${file.path}" is not a valid X.509 certificate`,
        );
        return undefined;
      }
    }
    return leaf === undefined ? undefined : { ...file, leaf };
  }

  privateKey(name: string, path: string): ParsedKey | undefined {
    const file = this.readFile(name, path);
    if (file === undefined) return undefined;
    const keys = pemBlocks(file.pem).filter((block) => /(^|\s)PRIVATE KEY$/.test(block.label));
    const first = keys[0];
    if (first === undefined) {
      this.problems.push(`${name}: "${file.path}" is not a PEM private key (no "BEGIN PRIVATE KEY" block)`);
      return undefined;
    }
    if (keys.length > 1) {
      this.problems.push(`${name}: "${file.path}" holds ${keys.length} private keys; expected one`);
      return undefined;
    }
    if (first.label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:\s*4,ENCRYPTED/m.test(first.text)) {
      this.problems.push(
        `${name}: "${file.path}" is an encrypted private key; Keyward needs it unencrypted ` +
          '(protect the file with its permissions instead)',
      );
      return undefined;
    }
    try {
      return { ...file, key: createPrivateKey({ key: first.text, format: 'pem' }) };
    } catch {
      this.problems.push(`${name}: "${file.path}" holds a PRIVATE KEY block that does not parse as a private key`);
      return undefined;
    }
  }

  /** `path` is already resolved (by the schema). */
  private readFile(name: string, path: string): PemFile | undefined {
    try {
      const stat = statSync(path);
      if (!stat.isFile()) {
        this.problems.push(`${name}: "${path}" is not a regular file`);
        return undefined;
      }
      if (stat.size > MAX_PEM_BYTES) {
        this.problems.push(`${name}: "${path}" is larger than 1 MiB, which no PEM certificate or key is`);
        return undefined;
      }
      return { path, pem: readFileSync(path) };
    } catch (error) {
      this.problems.push(`${name}: cannot read "${path}" (${describeFsError(error)})`);
      return undefined;
    }
  }
}

function pemBlocks(pem: Buffer): { label: string; text: string }[] {
  const blocks: { label: string; text: string }[] = [];
  for (const match of pem.toString('latin1').matchAll(PEM_BLOCK)) {
    blocks.push({ label: match[1] ?? '', text: match[0] });
  }
  return blocks;
}

/** The reason without the library's message (a path at most, but keep it to a known vocabulary). */
function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'ELOOP':
      return 'too many symbolic links';
    default:
      return code ?? 'unknown error';
  }
}

/** Keeps the private key out of JSON.stringify, util.inspect and structured logs. */
function withHiddenKey<T extends TlsKeyPair>(value: T): T {
  const { keyPem, ...rest } = value;
  return Object.defineProperty(rest, 'keyPem', { value: keyPem, enumerable: false }) as T;
}
