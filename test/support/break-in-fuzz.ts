// Helpers for test/break-in-fuzz.test.ts: run a fast-check property through the real gRPC API with
// many calls in flight, classify what the service answered, and check that it still serves.
import { status, type ServiceError } from '@grpc/grpc-js';
import fc from 'fast-check';
import { createPublicKey, KeyObject, verify, type JsonWebKey } from 'node:crypto';
import { expect } from 'vitest';
import type { KeywardFixture } from './keyward.js';

/** What a refused call may say: the caller asked for something wrong, never "the service broke". */
export const ACCEPTABLE_REFUSALS: ReadonlySet<status> = new Set([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.FAILED_PRECONDITION,
  status.PERMISSION_DENIED,
]);

export type Outcome<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly code: status; readonly details: string };

export async function outcomeOf<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    const { code, details } = error as ServiceError;
    return { ok: false, code, details: details ?? String(error) };
  }
}

/**
 * Succeeded, or was refused with one of ACCEPTABLE_REFUSALS and a message a person can act on.
 * INTERNAL, UNKNOWN, UNAVAILABLE (a dropped connection), CANCELLED, RESOURCE_EXHAUSTED... fail.
 */
export function expectAcceptable<T>(outcome: Outcome<T>, what: string | (() => string)): void {
  if (outcome.ok) return;
  const name = status[outcome.code] ?? String(outcome.code);
  const label = () => (typeof what === 'string' ? what : what());
  if (!ACCEPTABLE_REFUSALS.has(outcome.code)) {
    throw new Error(`${label()}: answered ${name} (${outcome.details.slice(0, 500)})`);
  }
  if (outcome.details === '' || outcome.details === 'internal error') {
    throw new Error(`${label()}: refused with ${name} but no actionable message (${JSON.stringify(outcome.details)})`);
  }
}

/** grpc-js refuses to serialize a request the protobuf encoder cannot encode: nothing is sent. */
export function isClientSideSerializationFailure(outcome: Outcome<unknown>): boolean {
  return (
    !outcome.ok &&
    outcome.code === status.INTERNAL &&
    outcome.details.startsWith('Request message serialization failure')
  );
}

export interface ConcurrentRunOptions {
  /** Each run is one generated case, checked by one call (or a few cheap ones). */
  readonly numRuns: number;
  /** How many checks are in flight at once. */
  readonly concurrency: number;
  readonly seed?: number;
}

/**
 * fc.assert over `arbitrary` with up to `concurrency` checks in flight. fast-check awaits each run
 * in turn, so a run only launches its check and returns once a slot is free; failures are
 * collected with the case that caused them. When some failed, they are replayed one at a time
 * through fc.assert as `examples`, so fast-check shrinks the real counterexample and reports it.
 * Resolves with the number of checks that passed.
 */
export async function assertConcurrently<T>(
  arbitrary: fc.Arbitrary<T>,
  check: (value: T) => Promise<void>,
  options: ConcurrentRunOptions,
): Promise<number> {
  const inFlight = new Set<Promise<void>>();
  const failures: { value: T; error: unknown }[] = [];
  let passed = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (value) => {
      while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
      const run: Promise<void> = check(value).then(
        () => {
          passed += 1;
        },
        (error: unknown) => {
          failures.push({ value, error });
        },
      );
      const tracked = run.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }),
    { numRuns: options.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
  await Promise.all(inFlight);
  if (failures.length > 0) {
    const examples = failures.slice(0, 3).map((failure): [T] => [failure.value]);
    await fc.assert(fc.asyncProperty(arbitrary, check), { examples, numRuns: examples.length });
    // The replay passed: the failure depended on what else was in flight. Report it as it was seen.
    const first = failures[0]!;
    throw new Error(
      `${failures.length} of ${options.numRuns} cases failed under concurrency (not when replayed alone); ` +
        `first: ${fc.stringify(first.value)}: ${String(first.error)}`,
    );
  }
  return passed;
}

/** The JSON lines logged at error level or above since `from`. */
export function errorLinesSince(logs: readonly string[], from: number, to = logs.length): string[] {
  return logs.slice(from, to).filter((line) => {
    try {
      return (JSON.parse(line) as { level?: number }).level! >= 50;
    } catch {
      return true; // an unparseable line is a problem of its own
    }
  });
}

function base64urlJson(part: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const NODE_VERIFY: Readonly<Record<string, { hash: string | null; dsa?: 'ieee-p1363'; pss?: number }>> = {
  EdDSA: { hash: null },
  ES256: { hash: 'sha256', dsa: 'ieee-p1363' },
  ES384: { hash: 'sha384', dsa: 'ieee-p1363' },
  ES512: { hash: 'sha512', dsa: 'ieee-p1363' },
  RS256: { hash: 'sha256' },
  RS384: { hash: 'sha384' },
  RS512: { hash: 'sha512' },
  PS256: { hash: 'sha256', pss: 32 },
  PS384: { hash: 'sha384', pss: 48 },
  PS512: { hash: 'sha512', pss: 64 },
};

/** Verifies a compact JWS against a published key with node:crypto; returns its header and payload. */
export function verifyCompactJws(
  jws: string,
  publicKey: JsonWebKey | KeyObject,
): { header: Record<string, unknown>; payload: Buffer } {
  const parts = jws.split('.');
  expect(parts).toHaveLength(3);
  const [h, p, s] = parts as [string, string, string];
  const header = base64urlJson(h);
  const how = NODE_VERIFY[String(header.alg)];
  if (how === undefined) throw new Error(`unexpected alg ${String(header.alg)}`);
  const key = publicKey instanceof KeyObject ? publicKey : createPublicKey({ key: publicKey, format: 'jwk' });
  const ok = verify(
    how.hash,
    Buffer.from(`${h}.${p}`),
    {
      key,
      ...(how.dsa === undefined ? {} : { dsaEncoding: how.dsa }),
      ...(how.pss === undefined ? {} : { padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: how.pss }),
    },
    Buffer.from(s, 'base64url'),
  );
  if (!ok) throw new Error('the signature does not verify against the published key');
  return { header, payload: Buffer.from(p, 'base64url') };
}

/**
 * The service still does its job: a Sign on `keySet` verifies against the key the HTTP gateway
 * publishes, the gateway's JWKS is the very bytes and ETag GetJWKS returns, and the default key
 * set's JWKS and discovery document still answer.
 */
export async function expectStillServing(kw: KeywardFixture, keySet: string): Promise<void> {
  const signed = await kw.rpc.sign({ keySet, claimsJson: '{"sub":"still-serving"}' });
  const viaGrpc = await kw.rpc.getJwks({ keySet });
  const response = await fetch(`${kw.httpUrl}/key-sets/${keySet}/.well-known/jwks.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('etag')).toBe(viaGrpc.etag);
  const body = await response.text();
  expect(body).toBe(viaGrpc.jwksJson);
  const { keys } = JSON.parse(body) as { keys: (JsonWebKey & { kid: string })[] };
  const jwk = keys.find((key) => key.kid === signed.kid);
  expect(jwk, `the JWKS publishes the signing kid ${signed.kid}`).toBeDefined();
  const { header, payload } = verifyCompactJws(signed.jws, jwk!);
  expect(header).toEqual({ alg: signed.alg, kid: signed.kid, typ: 'JWT' });
  expect(JSON.parse(payload.toString('utf8'))).toMatchObject({ sub: 'still-serving' });
  for (const path of ['/.well-known/jwks.json', '/.well-known/openid-configuration', '/healthz']) {
    const answer = await fetch(`${kw.httpUrl}${path}`);
    expect(answer.status, path).toBe(200);
    await answer.arrayBuffer();
  }
}
