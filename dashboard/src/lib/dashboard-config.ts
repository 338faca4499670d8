// The dashboard's configuration: environment variables, checked once when `next start` boots
// (src/instrumentation.ts) so that a mistake stops it with a message naming the variable, not on
// the first page view. The connection variables mean what they mean to the CLI:
//   KEYWARD_SERVER          Keyward's gRPC address, host:port (default 127.0.0.1:<KEYWARD_GRPC_PORT or 50051>)
//   KEYWARD_CA              TLS to Keyward, trusting this CA certificate (PEM); plaintext without it
//   KEYWARD_CLIENT_CERT, KEYWARD_CLIENT_KEY   mutual TLS (PEM, both or neither, only with KEYWARD_CA)
//   KEYWARD_GATEWAY_URL     the origin to fetch live JWKS documents from, when a key set's public
//                           jwks_uri is not reachable from here (lib/gateway-url.ts)
//   KEYWARD_DASHBOARD_SECURE_COOKIE   auto (default: Secure when the request came over https, as a
//                           TLS-terminating proxy says in X-Forwarded-Proto), always, or never
// Files are read here, once; their content never appears in a message.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parseGatewayOrigin } from './gateway-url';

export type SecureCookie = 'auto' | 'always' | 'never';

export interface TlsMaterial {
  readonly ca: Buffer;
  readonly cert: Buffer | null;
  readonly key: Buffer | null;
}

export interface DashboardConfig {
  readonly server: string;
  /** Undefined: plaintext gRPC. */
  readonly tls: TlsMaterial | undefined;
  /** Undefined: live JWKS documents are fetched from each key set's public jwks_uri. */
  readonly gatewayOrigin: string | undefined;
  readonly secureCookie: SecureCookie;
}

export class DashboardConfigError extends Error {
  override readonly name = 'DashboardConfigError';
}

const optional = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(\d{1,5})$/;

const schema = z.object({
  KEYWARD_SERVER: optional.refine((value) => value === undefined || isHostPort(value), {
    message: 'must be host:port without a scheme, e.g. 127.0.0.1:50051',
  }),
  KEYWARD_GRPC_PORT: optional.refine((value) => value === undefined || isPort(value), {
    message: 'must be a port number, 1 to 65535',
  }),
  KEYWARD_CA: optional,
  KEYWARD_CLIENT_CERT: optional,
  KEYWARD_CLIENT_KEY: optional,
  KEYWARD_DASHBOARD_SECURE_COOKIE: optional.pipe(
    z.enum(['auto', 'always', 'never'], { message: 'must be auto, always or never' }).default('auto'),
  ),
});

function isPort(value: string): boolean {
  return /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65_535;
}

function isHostPort(value: string): boolean {
  const match = HOST_PORT.exec(value);
  return match !== null && isPort(match[2]!);
}

type ReadFile = (path: string) => Buffer;

/** The configuration in `env`, or a DashboardConfigError naming the first variable that is wrong. */
export function loadDashboardConfig(
  env: Readonly<Record<string, string | undefined>>,
  readFile: ReadFile = readFileSync,
): DashboardConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DashboardConfigError(`${issue.path.join('.')} ${issue.message}`);
  }
  const vars = parsed.data;
  return {
    server: vars.KEYWARD_SERVER ?? `127.0.0.1:${vars.KEYWARD_GRPC_PORT ?? '50051'}`,
    tls: tlsMaterial(vars, readFile),
    gatewayOrigin: gatewayOrigin(env.KEYWARD_GATEWAY_URL),
    secureCookie: vars.KEYWARD_DASHBOARD_SECURE_COOKIE,
  };
}

function gatewayOrigin(value: string | undefined): string | undefined {
  try {
    return parseGatewayOrigin(value);
  } catch (error) {
    throw new DashboardConfigError((error as Error).message);
  }
}

function tlsMaterial(vars: z.infer<typeof schema>, readFile: ReadFile): TlsMaterial | undefined {
  const { KEYWARD_CA: ca, KEYWARD_CLIENT_CERT: cert, KEYWARD_CLIENT_KEY: key } = vars;
  if ((cert === undefined) !== (key === undefined)) {
    throw new DashboardConfigError('KEYWARD_CLIENT_CERT and KEYWARD_CLIENT_KEY go together: set both or neither');
  }
  if (ca === undefined) {
    if (cert !== undefined) {
      throw new DashboardConfigError("KEYWARD_CLIENT_CERT needs TLS: set KEYWARD_CA to the server's CA certificate");
    }
    return undefined;
  }
  const caPem = readPem('KEYWARD_CA', ca, readFile, (pem) => new X509Certificate(pem));
  if (cert === undefined || key === undefined) return { ca: caPem, cert: null, key: null };
  const certPem = readPem('KEYWARD_CLIENT_CERT', cert, readFile, (pem) => new X509Certificate(pem));
  const keyPem = readPem('KEYWARD_CLIENT_KEY', key, readFile, (pem) => createPrivateKey(pem));
  if (!new X509Certificate(certPem).checkPrivateKey(createPrivateKey(keyPem))) {
    throw new DashboardConfigError('KEYWARD_CLIENT_KEY is not the key of the certificate in KEYWARD_CLIENT_CERT');
  }
  return { ca: caPem, cert: certPem, key: keyPem };
}

/** The file's bytes once `parse` accepts them; errors name the variable and the file, never its content. */
function readPem(variable: string, path: string, readFile: ReadFile, parse: (pem: Buffer) => unknown): Buffer {
  let bytes: Buffer;
  try {
    bytes = readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new DashboardConfigError(`${variable}: cannot read ${path}: ${why}`);
  }
  try {
    parse(bytes);
  } catch {
    throw new DashboardConfigError(`${variable}: ${path} does not hold what it should in PEM`);
  }
  return bytes;
}

let current: DashboardConfig | undefined;

/** The configuration of this process's environment, read on first use. */
export function dashboardConfig(): DashboardConfig {
  current ??= loadDashboardConfig(process.env);
  return current;
}
