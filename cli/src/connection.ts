// Where the command connects and as whom: flags first, then environment variables, then defaults.
//   --server / KEYWARD_SERVER            host:port, default 127.0.0.1:50051
//   --ca / KEYWARD_CA                    TLS trusting that CA (plaintext without it)
//   --cert, --key / KEYWARD_CLIENT_CERT, KEYWARD_CLIENT_KEY   mutual TLS
//   KEYWARD_TOKEN, or --token-file / KEYWARD_TOKEN_FILE       the API token (never an argument;
//                                        not read at all for a command that needs none: login)
//   --timeout                            seconds per call, default 10
// A bad flag is a UsageError (exit 2); a bad variable or file names itself in a CliFailure (exit 1).
// Neither the token nor the content of any file it reads ever appears in a message.

import {
  credentials,
  Metadata,
  type CallOptions,
  type ChannelCredentials,
  type handleUnaryCall,
  type ServiceError,
} from '@grpc/grpc-js';
import { KeyServiceClient, KeyServiceService, type KeyServiceServer } from '@keyward/proto/keyward/v1';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { quoteArg } from './args.js';
import { CliFailure, UsageError } from './failure.js';

export const DEFAULT_SERVER = '127.0.0.1:50051';
export const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 86_400;
/** PEM files and tokens are small; anything this large is the wrong file. */
const MAX_FILE_BYTES = 1024 * 1024;

type Env = Readonly<Record<string, string | undefined>>;

/** The connection flags as given (undefined: not given). */
export interface ConnectionFlags {
  readonly server?: string | undefined;
  readonly ca?: string | undefined;
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
  readonly timeout?: string | undefined;
}

export interface TlsFiles {
  readonly ca: string;
  readonly cert: string | undefined;
  readonly key: string | undefined;
}

export type TokenSource =
  | { readonly kind: 'env' }
  | { readonly kind: 'file'; readonly path: string; readonly from: '--token-file' | 'KEYWARD_TOKEN_FILE' };

export interface ConnectionSettings {
  readonly address: string;
  /** Undefined: plaintext. */
  readonly tls: TlsFiles | undefined;
  readonly timeoutSeconds: number;
}

/** A flag's value, else the variable's; `source` says which, for messages. */
function pick(flags: ConnectionFlags, env: Env, flag: 'server' | 'ca' | 'cert' | 'key', variable: string) {
  const given = flags[flag];
  if (given !== undefined) return { value: given, source: `--${flag}`, isFlag: true };
  const value = env[variable];
  if (value !== undefined && value !== '') return { value, source: variable, isFlag: false };
  return undefined;
}

function problem(isFlag: boolean, message: string): Error {
  return isFlag ? new UsageError(message) : new CliFailure(message);
}

export function resolveSettings(flags: ConnectionFlags, env: Env): ConnectionSettings {
  const server = pick(flags, env, 'server', 'KEYWARD_SERVER');
  const address = server?.value.trim() ?? DEFAULT_SERVER;
  if (server !== undefined && !isTarget(address)) {
    const hint = /^[a-z]+:\/\//i.test(address) ? ' without a scheme' : '';
    throw problem(
      server.isFlag,
      `${server.source} must be host:port${hint} (e.g. ${DEFAULT_SERVER}), got ${quoteArg(server.value)}`,
    );
  }

  const ca = pick(flags, env, 'ca', 'KEYWARD_CA');
  const cert = pick(flags, env, 'cert', 'KEYWARD_CLIENT_CERT');
  const key = pick(flags, env, 'key', 'KEYWARD_CLIENT_KEY');
  if ((cert === undefined) !== (key === undefined)) {
    const given = cert ?? key;
    throw problem(
      given?.isFlag ?? true,
      'a client certificate and its key go together: give both --cert and --key (or KEYWARD_CLIENT_CERT and KEYWARD_CLIENT_KEY)',
    );
  }
  if (cert !== undefined && ca === undefined) {
    throw problem(cert.isFlag, "a client certificate needs TLS: give the server's CA with --ca (or KEYWARD_CA)");
  }
  const tls: TlsFiles | undefined =
    ca === undefined
      ? undefined
      : { ca: resolve(ca.value), cert: cert && resolve(cert.value), key: key && resolve(key.value) };

  let timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;
  if (flags.timeout !== undefined) {
    const value = Number(flags.timeout);
    if (!/^\d+(\.\d+)?$/.test(flags.timeout.trim()) || value <= 0 || value > MAX_TIMEOUT_SECONDS) {
      throw new UsageError(
        `--timeout must be seconds, more than 0 and at most ${MAX_TIMEOUT_SECONDS}, got ${quoteArg(flags.timeout)}`,
      );
    }
    timeoutSeconds = value;
  }
  return { address, tls, timeoutSeconds };
}

/** Where the token is: --token-file, else KEYWARD_TOKEN or KEYWARD_TOKEN_FILE (not both). */
export function tokenSource(tokenFile: string | undefined, env: Env): TokenSource {
  if (tokenFile !== undefined) return { kind: 'file', path: resolve(tokenFile), from: '--token-file' };
  const file = env.KEYWARD_TOKEN_FILE;
  if (file === undefined || file === '') return { kind: 'env' };
  if (env.KEYWARD_TOKEN !== undefined && env.KEYWARD_TOKEN !== '') {
    throw new CliFailure('set KEYWARD_TOKEN or KEYWARD_TOKEN_FILE, not both (or pick one with --token-file)');
  }
  return { kind: 'file', path: resolve(file), from: 'KEYWARD_TOKEN_FILE' };
}

/** host:port, [ipv6]:port, or a gRPC target with a scheme grpc-js knows (dns:, ipv4:, ipv6:, unix:). */
function isTarget(address: string): boolean {
  if (/^(dns|ipv4|ipv6|unix|unix-abstract):\S+$/.test(address)) return true;
  return (
    /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/.test(address) &&
    Number(address.slice(address.lastIndexOf(':') + 1)) <= 65_535
  );
}

/** The caller's token. Never echoed, not even in part. */
export function readToken(source: TokenSource, env: Env): string {
  let token: string;
  let where: string;
  if (source.kind === 'env') {
    token = (env.KEYWARD_TOKEN ?? '').trim();
    where = 'KEYWARD_TOKEN';
    if (token === '') {
      throw new CliFailure(
        'no API token: set KEYWARD_TOKEN, or KEYWARD_TOKEN_FILE / --token-file to a file holding it ' +
          '(tokens are never taken as arguments)',
      );
    }
  } else {
    where = `the token file ${source.path} (${source.from})`;
    token = readSmallFile(source.path, `${source.from} ${source.path}`).toString('utf8').trim();
    if (token === '') throw new CliFailure(`${where} is empty`);
  }
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new CliFailure(
      `the token in ${where} has characters no API token has (white space, control or non-ASCII characters)`,
    );
  }
  return token;
}

/** A file's bytes, or a CliFailure that names the file and the reason, never its content. */
export function readSmallFile(path: string, what: string): Buffer {
  try {
    const stats = statSync(path);
    if (!stats.isFile()) throw new CliFailure(`cannot read ${what}: not a file`);
    if (stats.size > MAX_FILE_BYTES) throw new CliFailure(`cannot read ${what}: larger than 1 MiB, not the right file`);
    return readFileSync(path);
  } catch (error) {
    if (error instanceof CliFailure) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliFailure(
      `cannot read ${what}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable')}`,
    );
  }
}

export function channelCredentials(tls: TlsFiles | undefined): ChannelCredentials {
  if (tls === undefined) return credentials.createInsecure();
  const ca = readSmallFile(tls.ca, `the CA certificate ${tls.ca}`);
  const cert = tls.cert === undefined ? null : readSmallFile(tls.cert, `the client certificate ${tls.cert}`);
  const key = tls.key === undefined ? null : readSmallFile(tls.key, `the client key ${tls.key}`);
  try {
    return credentials.createSsl(ca, key, cert);
  } catch {
    // grpc-js only checks the arguments' types here; the handshake reports bad PEM later.
    throw new CliFailure('cannot use the TLS files given (--ca, --cert, --key): are they PEM?');
  }
}

type KeyServiceMethod = keyof typeof KeyServiceService;

/** Each KeyService RPC as a promise, with the token (if any) and a deadline on every call. */
export type KeywardRpc = {
  readonly [M in KeyServiceMethod]: KeyServiceServer[M] extends handleUnaryCall<infer Req, infer Res>
    ? (request: Req) => Promise<Res>
    : never;
};

export interface Connection {
  readonly rpc: KeywardRpc;
  close(): void;
}

/** A generated client method in the callback-last form util.promisify takes (grpc-js's own overloads). */
type UnaryMethod = (
  request: unknown,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: unknown) => void,
) => void;

/** `token` undefined: calls carry no authorization at all. */
export function connect(settings: ConnectionSettings, token: string | undefined): Connection {
  const client = new KeyServiceClient(settings.address, channelCredentials(settings.tls), {
    'grpc.primary_user_agent': 'keyward-cli',
  });
  const methods = client as unknown as Readonly<Record<string, UnaryMethod>>;
  const rpc: Record<string, (request: unknown) => Promise<unknown>> = {};
  for (const name of Object.keys(KeyServiceService)) {
    const method = methods[name];
    if (method === undefined) continue;
    const call = promisify(method).bind(client);
    rpc[name] = (request) => {
      const metadata = new Metadata();
      if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
      return call(request, metadata, { deadline: Date.now() + settings.timeoutSeconds * 1000 });
    };
  }
  return { rpc: rpc as KeywardRpc, close: () => client.close() };
}
