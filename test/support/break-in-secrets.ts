// Helpers for test/break-in-secrets.test.ts: record every response as the bytes that crossed the
// wire, turn a private key or a secret into every encoding worth searching for, walk JSON (and JSON
// inside JSON strings) for private JWK members, and dump a database.
import { Metadata, type Client, type ServiceError } from '@grpc/grpc-js';
import { KeyServiceService } from '@keyward/proto/keyward/v1';
import { execFile, spawnSync } from 'node:child_process';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { withPageDefaults, type TestRequest } from './keyward.js';

// ---------------------------------------------------------------------------------------------
// What a caller receives, byte for byte.

type Methods = typeof KeyServiceService;
export type MethodName = keyof Methods;
type RequestOf<M extends MethodName> = Parameters<Methods[M]['requestSerialize']>[0];
type ResponseOf<M extends MethodName> = ReturnType<Methods[M]['responseDeserialize']>;

export interface Seen {
  /** Where it came from, for failure messages: "GetKeySet sec-es256", "GET /…/jwks.json". */
  readonly label: string;
  /** The bytes as received: protobuf message, or HTTP status line, headers and body. */
  readonly bytes: Buffer;
  /** What was decoded from them (a protobuf message as an object, a parsed JSON body), if any. */
  readonly decoded: unknown;
}

/** Makes calls on a real client and keeps each answer — message or error — as received. */
export class WireRecorder {
  readonly seen: Seen[] = [];

  constructor(
    private readonly client: Client,
    private readonly token: string,
  ) {}

  call<M extends MethodName>(
    method: M,
    request: TestRequest<RequestOf<M>>,
    label = '',
    token = this.token,
  ): Promise<ResponseOf<M>> {
    const definition = KeyServiceService[method];
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    let raw: Buffer | undefined;
    const name = `${definition.path.split('/').at(-1)} ${label}`.trim();
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        definition.path,
        definition.requestSerialize as (value: RequestOf<M>) => Buffer,
        (bytes: Buffer) => {
          raw = Buffer.from(bytes);
          return definition.responseDeserialize(bytes) as ResponseOf<M>;
        },
        withPageDefaults(method, request) as RequestOf<M>,
        metadata,
        (error: ServiceError | null, value?: ResponseOf<M>) => {
          if (error !== null) {
            // A refusal is an answer too: its message and trailers reach the caller.
            const trailers = JSON.stringify(error.metadata?.getMap() ?? {});
            this.seen.push({
              label: `${name} (error)`,
              bytes: Buffer.from(`${error.code} ${error.details}\n${trailers}`),
              decoded: undefined,
            });
            reject(error);
            return;
          }
          this.seen.push({ label: name, bytes: raw ?? Buffer.alloc(0), decoded: value });
          resolve(value as ResponseOf<M>);
        },
      );
    });
  }

  /** An HTTP request to the gateway, kept as status line + headers + body. */
  async http(url: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, init);
    const body = Buffer.from(await response.arrayBuffer());
    const head = [
      `${response.status} ${response.statusText}`,
      ...[...response.headers].map(([name, value]) => `${name}: ${value}`),
    ].join('\n');
    let decoded: unknown;
    try {
      decoded = body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
    } catch {
      decoded = undefined;
    }
    this.seen.push({
      label: `${init.method ?? 'GET'} ${new URL(url).pathname}`,
      bytes: Buffer.concat([Buffer.from(`${head}\n\n`), body]),
      decoded,
    });
    return new Response(body.length === 0 || response.status === 304 ? null : body, {
      status: response.status,
      headers: response.headers,
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Needles: what a leak would look like.

export interface Needles {
  /** Searched as substrings of text (ASCII only, so a latin1 view of raw bytes finds them too). */
  readonly text: string[];
  /** Searched as byte sequences in raw bytes. */
  readonly bytes: Buffer[];
}

const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

function encodings(bytes: Buffer): string[] {
  const hex = bytes.toString('hex');
  return [bytes.toString('base64'), bytes.toString('base64url'), hex, hex.toUpperCase()];
}

/** 16-byte windows, every 8 bytes: a partial copy of a secret still shows. */
function windows(bytes: Buffer, size = 16, step = 8): Buffer[] {
  const out: Buffer[] = [];
  for (let start = 0; start + size <= bytes.length; start += step) out.push(bytes.subarray(start, start + size));
  if (bytes.length >= size && (bytes.length - size) % step !== 0) out.push(bytes.subarray(bytes.length - size));
  return out;
}

function pemLines(pem: string): string[] {
  return pem.split('\n').filter((line) => line !== '' && !line.startsWith('-----'));
}

/**
 * Every encoding of `key`'s private material worth searching for: PKCS#8 and the traditional form
 * (PKCS#1 / SEC1) as DER in base64, base64url and hex and as PEM lines; the JWK private members
 * (base64url, base64, hex); the raw scalars (Ed25519 seed, EC scalar, RSA d, p, q…) as bytes and
 * hex, whole and in 16-byte windows. PEM lines that hold only public bytes (inside the SPKI) are
 * left out: the public key is published.
 */
export function privateKeyNeedles(key: KeyObject): Needles {
  const text: string[] = [];
  const bytes: Buffer[] = [];
  const spki = createPublicKey(key).export({ format: 'der', type: 'spki' });
  const forms: { der: Buffer; pem: string }[] = [
    { der: key.export({ format: 'der', type: 'pkcs8' }), pem: key.export({ format: 'pem', type: 'pkcs8' }) as string },
  ];
  const traditional = key.asymmetricKeyType === 'rsa' ? 'pkcs1' : key.asymmetricKeyType === 'ec' ? 'sec1' : undefined;
  if (traditional !== undefined) {
    forms.push({
      der: key.export({ format: 'der', type: traditional }),
      pem: key.export({ format: 'pem', type: traditional }) as string,
    });
  }
  for (const { der, pem } of forms) {
    text.push(...encodings(der));
    text.push(pemLines(pem).join(''));
    for (const line of pemLines(pem)) {
      if (!spki.includes(Buffer.from(line, 'base64'))) text.push(line);
    }
    bytes.push(der);
  }
  const jwk = key.export({ format: 'jwk' }) as Record<string, string | undefined>;
  for (const member of PRIVATE_JWK_MEMBERS) {
    const value = jwk[member];
    if (value === undefined) continue;
    const scalar = Buffer.from(value, 'base64url');
    text.push(value, ...encodings(scalar));
    bytes.push(scalar);
    for (const window of windows(scalar)) {
      bytes.push(window);
      text.push(window.toString('hex'));
    }
  }
  return { text: [...new Set(text)].filter((needle) => needle.length >= 16), bytes };
}

/** A bearer secret in clear, in hex, in base64, and (kw_ tokens) its random part and their bytes. */
export function secretNeedles(secret: string): Needles {
  const utf8 = Buffer.from(secret, 'utf8');
  const text = [secret, ...encodings(utf8)];
  const bytes = [utf8];
  const random = secret.startsWith('kw_') ? secret.slice(3) : undefined;
  if (random !== undefined) {
    const decoded = Buffer.from(random, 'base64url');
    text.push(random, ...encodings(decoded));
    bytes.push(decoded);
  }
  return { text: [...new Set(text)], bytes };
}

/** Raw key bytes (a master key, a derived secret): every encoding, and the bytes themselves. */
export function keyBytesNeedles(key: Buffer): Needles {
  return { text: encodings(key), bytes: [key] };
}

/** The needles found in `haystack` (text as latin1, so ASCII needles match raw bytes too). */
export function findNeedles(haystack: { text: string; bytes?: Buffer }, needles: Needles): string[] {
  const found: string[] = [];
  for (const needle of needles.text) if (haystack.text.includes(needle)) found.push(needle);
  if (haystack.bytes !== undefined) {
    for (const needle of needles.bytes)
      if (haystack.bytes.includes(needle)) found.push(`bytes:${needle.toString('hex')}`);
  }
  return found;
}

/** One searchable haystack from what was seen: raw bytes, their latin1 and UTF-8 views, the decoded values. */
export function haystackOf(seen: readonly Seen[]): { text: string; bytes: Buffer } {
  const separator = Buffer.from('\n\u0000\u0000\n', 'latin1');
  const bytes = Buffer.concat(seen.flatMap((entry) => [entry.bytes, separator]));
  const decoded = seen.map((entry) => safeJson(entry.decoded)).join('\n');
  return { text: `${bytes.toString('latin1')}\n${bytes.toString('utf8')}\n${decoded}`, bytes };
}

function safeJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item)) ?? '';
}

// ---------------------------------------------------------------------------------------------
// JSON, and JSON inside strings.

export const FORBIDDEN_JWK_MEMBERS: ReadonlySet<string> = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
export const PUBLIC_JWK_MEMBERS: ReadonlySet<string> = new Set(['kty', 'kid', 'use', 'alg', 'n', 'e', 'crv', 'x', 'y']);

export interface JsonFinding {
  readonly path: string;
  readonly problem: string;
}

/**
 * Walks a decoded value: objects, arrays, and every string that parses as JSON (public_jwk_json,
 * jwks_json, before_json, after_json… and JSON strings inside those). Reports each member named
 * like a private JWK member, and each JWK (an object with `kty`) holding a non-public member.
 */
export function privateJsonMembers(value: unknown, path = '$', findings: JsonFinding[] = []): JsonFinding[] {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(trimmed);
      } catch {
        return findings;
      }
      privateJsonMembers(parsed, `${path}<json>`, findings);
    }
    return findings;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date || ArrayBuffer.isView(value))
    return findings;
  if (Array.isArray(value)) {
    value.forEach((item, index) => privateJsonMembers(item, `${path}[${index}]`, findings));
    return findings;
  }
  const record = value as Record<string, unknown>;
  const isJwk = Object.hasOwn(record, 'kty');
  for (const [key, item] of Object.entries(record)) {
    if (FORBIDDEN_JWK_MEMBERS.has(key)) findings.push({ path: `${path}.${key}`, problem: 'private JWK member' });
    else if (isJwk && !PUBLIC_JWK_MEMBERS.has(key))
      findings.push({ path: `${path}.${key}`, problem: 'non-public member in a JWK' });
    privateJsonMembers(item, `${path}.${key}`, findings);
  }
  return findings;
}

/** How many JWKs (objects with `kty`) a value holds, looking inside JSON strings too. */
export function countJwks(value: unknown): number {
  let count = 0;
  const visit = (item: unknown): void => {
    if (typeof item === 'string') {
      const trimmed = item.trim();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          visit(JSON.parse(trimmed));
        } catch {
          // not JSON
        }
      }
      return;
    }
    if (item === null || typeof item !== 'object' || item instanceof Date || ArrayBuffer.isView(item)) return;
    if (Array.isArray(item)) {
      item.forEach(visit);
      return;
    }
    if (Object.hasOwn(item, 'kty')) count += 1;
    Object.values(item).forEach(visit);
  };
  visit(value);
  return count;
}

// ---------------------------------------------------------------------------------------------
// A database dump.

/** Runs `COPY … TO STDOUT` on a pg client and collects the rows as PostgreSQL writes them. */
class CopyOut implements pg.Submittable {
  readonly #chunks: Buffer[] = [];
  #error: Error | undefined;
  #settled = false;

  constructor(
    private readonly sql: string,
    private readonly done: (error: Error | undefined, text: string) => void,
  ) {}

  submit(connection: pg.Connection): void {
    connection.query(this.sql);
  }

  handleCopyData(message: { chunk: Buffer }): void {
    this.#chunks.push(Buffer.from(message.chunk));
  }

  handleCommandComplete(): void {}

  handleError(error: Error): void {
    this.#error = error;
    this.#settle();
  }

  handleReadyForQuery(): void {
    this.#settle();
  }

  // Messages a COPY never gets; present so the client finds a handler whatever arrives.
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  handleCopyInResponse(): void {
    this.#error = new Error('unexpected COPY FROM');
  }

  #settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.done(this.#error, Buffer.concat(this.#chunks).toString('utf8'));
  }
}

function copyOut(client: pg.Client, sql: string): Promise<string> {
  return new Promise((resolve, reject) => {
    client.query(new CopyOut(sql, (error, text) => (error === undefined ? resolve(text) : reject(error))));
  });
}

/** The major version of the pg_dump on PATH, or undefined when there is none. */
export function pgDumpMajorVersion(): number | undefined {
  const result = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) return undefined;
  const match = /(\d+)(?:\.\d+)?/.exec(result.stdout);
  return match === null ? undefined : Number(match[1]);
}

export interface Dump {
  readonly text: string;
  /** 'pg_dump' or 'copy' */
  readonly how: string;
  readonly tables: string[];
}

/**
 * Every row of every table as a backup would hold it: `pg_dump --data-only` when the pg_dump on
 * PATH can dump this server (its major version at least the server's), otherwise the same data
 * through `COPY <table> TO STDOUT`, which is what pg_dump runs for each table. The fallback is the
 * common case here: the embedded PostgreSQL the tests run on ships no pg_dump, and the one a
 * Debian package installs may be older than the server (pg_dump refuses newer servers).
 */
export async function dumpDatabase(databaseUrl: string): Promise<Dump> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const version = await client.query<{ server_version_num: string }>('SHOW server_version_num');
    const serverMajor = Math.floor(Number(version.rows[0]!.server_version_num) / 10_000);
    const { rows } = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const tables = rows.map((row) => row.tablename);
    const pgDump = pgDumpMajorVersion();
    if (pgDump !== undefined && pgDump >= serverMajor) {
      const { stdout } = await promisify(execFile)(
        'pg_dump',
        ['--data-only', '--no-owner', `--dbname=${databaseUrl}`],
        {
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      return { text: stdout, how: 'pg_dump', tables };
    }
    let text = '';
    for (const table of tables) {
      const qualified = `public.${pg.escapeIdentifier(table)}`;
      text += `COPY ${qualified} FROM stdin;\n${await copyOut(client, `COPY ${qualified} TO STDOUT`)}\\.\n\n`;
    }
    return { text, how: 'copy', tables };
  } finally {
    await client.end();
  }
}
