// Shared pieces of the key-lifecycle integration tests (test/lifecycle-*.test.ts): a fake clock the
// tests move, policy and duration builders for the wire messages, the JWKS as an external client
// fetches it over HTTP, and direct reads of the database.
import { ExcessTtl, type ActivationReadiness, type Key, type KeySetPolicy } from '@keyward/proto/keyward/v1';
import type { KeyServiceRpcs } from './keyward.js';
export { grpcError } from './grpc-errors.js';

export const ADMIN_ACTOR = 'token:KEYWARD_ADMIN_TOKEN';
export const SCHEDULER_ACTOR = 'scheduler';

/** A clock the service reads through `clock: fake.now`; tests move it by whole seconds. */
export class FakeClock {
  #ms: number;

  constructor(start: Date | string = '2030-01-01T00:00:00.000Z') {
    this.#ms = new Date(start).getTime();
  }

  /** For startTestKeyward({ clock }). A fresh Date each call, so nobody can mutate "now". */
  readonly now = (): Date => new Date(this.#ms);

  advance(seconds: number): Date {
    this.#ms += seconds * 1_000;
    return this.now();
  }

  /** Moves to `at`, which must not lie in the past: time only moves forward. */
  set(at: Date): Date {
    if (at.getTime() < this.#ms)
      throw new Error(`the fake clock cannot go back from ${this.now().toISOString()} to ${at.toISOString()}`);
    this.#ms = at.getTime();
    return this.now();
  }
}

export function addSeconds(at: Date, seconds: number): Date {
  return new Date(at.getTime() + seconds * 1_000);
}

/** A google.protobuf.Duration of whole seconds, as ts-proto (forceLong=string) wants it. */
export function duration(seconds: number): { seconds: string; nanos: number } {
  return { seconds: String(seconds), nanos: 0 };
}

export interface PolicyFields {
  algorithm?: string;
  rsaModulusBits?: number;
  rotation?: number;
  prePublish?: number;
  grace?: number;
  retention?: number;
  maxTokenTtl?: number;
  excessTtl?: ExcessTtl;
  autoRotate?: boolean;
  readiness?: { minShare: number; maxDelay: number };
}

/** A KeySetPolicy request message: what is not given stays unset ("keep" / "default"). */
export function policy(fields: PolicyFields): KeySetPolicy {
  const readiness: ActivationReadiness | undefined =
    fields.readiness === undefined
      ? undefined
      : { minShare: fields.readiness.minShare, maxDelay: duration(fields.readiness.maxDelay) };
  const maybe = <T>(value: number | undefined, wrap: (v: number) => T) =>
    value === undefined ? undefined : wrap(value);
  return {
    ...(fields.algorithm === undefined ? {} : { algorithm: fields.algorithm }),
    ...(fields.rsaModulusBits === undefined ? {} : { rsaModulusBits: fields.rsaModulusBits }),
    rotationPeriod: maybe(fields.rotation, duration),
    prePublishPeriod: maybe(fields.prePublish, duration),
    gracePeriod: maybe(fields.grace, duration),
    retentionPeriod: maybe(fields.retention, duration),
    maxTokenTtl: maybe(fields.maxTokenTtl, duration),
    excessTtl: fields.excessTtl ?? ExcessTtl.EXCESS_TTL_UNSPECIFIED,
    ...(fields.autoRotate === undefined ? {} : { autoRotate: fields.autoRotate }),
    activationReadiness: readiness,
  };
}

/** Seconds of a wire Duration. */
export function secondsOf(value: { seconds: string; nanos: number } | undefined): number {
  if (value === undefined) throw new Error('duration unset');
  return Number(value.seconds) + value.nanos / 1e9;
}

export interface PublicJwk {
  kid: string;
  alg: string;
  kty: string;
  use: string;
  [member: string]: unknown;
}

export interface FetchedJwks {
  status: number;
  keys: PublicJwk[];
  etag: string | null;
  cacheControl: string | null;
  text: string;
}

export function jwksUrl(httpUrl: string, keySet: string): string {
  return `${httpUrl}/key-sets/${keySet}/.well-known/jwks.json`;
}

/** GET of the key set's JWKS over real HTTP, as an external client does. */
export async function fetchJwks(
  httpUrl: string,
  keySet: string,
  headers: Record<string, string> = {},
): Promise<FetchedJwks> {
  const response = await fetch(jwksUrl(httpUrl, keySet), { headers });
  const text = await response.text();
  return {
    status: response.status,
    keys: response.status === 200 ? (JSON.parse(text) as { keys: PublicJwk[] }).keys : [],
    etag: response.headers.get('etag'),
    cacheControl: response.headers.get('cache-control'),
    text,
  };
}

export async function jwksKids(httpUrl: string, keySet: string): Promise<string[]> {
  return (await fetchJwks(httpUrl, keySet)).keys.map((key) => key.kid);
}

export async function fetchDiscovery(httpUrl: string, keySet: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${httpUrl}/key-sets/${keySet}/.well-known/openid-configuration`);
  if (response.status !== 200) throw new Error(`discovery: HTTP ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** ListKeys as a map by kid. */
export async function keysByKid(rpc: KeyServiceRpcs, keySet: string): Promise<Map<string, Key>> {
  const { keys } = await rpc.listKeys({ keySet });
  return new Map(keys.map((key) => [key.kid, key]));
}

export async function keyOf(rpc: KeyServiceRpcs, keySet: string, kid: string): Promise<Key> {
  const key = (await keysByKid(rpc, keySet)).get(kid);
  if (key === undefined) throw new Error(`key ${kid} is not in key set ${keySet}`);
  return key;
}

/** The payload of a compact JWS, without verifying it. */
export function payloadOf(jws: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jws.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export { queryDatabase } from './sql.js';
