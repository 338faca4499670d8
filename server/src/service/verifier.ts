// Verify: does a compact JWS come from one of a key set's keys, and do its claims hold? Served from
// the keyring in memory. jose checks the signature (with an algorithm allow-list of one: the key's
// own); Keyward's part is the order of the checks and the reason each failure gets, so a caller
// (and the failure reports) learn the first thing that is wrong.

import { createPublicKey, type KeyObject } from 'node:crypto';
import { compactVerify, decodeProtectedHeader, errors, type ProtectedHeaderParameters } from 'jose';
import { invalidArgument } from '../errors.js';
import { isAlgorithm } from '../crypto/algorithms.js';
import { isPublished, type KeyState } from '../lifecycle/states.js';
import type { KeyRecord } from '../model/key.js';
import type { VerifyReason } from '../model/verify-reasons.js';

export const MAX_JWS_BYTES = 64 * 1024;
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;
export const MAX_BATCH_ITEMS = 100;

export interface VerifyOptions {
  readonly issuer?: string | undefined;
  readonly audience?: string | undefined;
  readonly typ?: string | undefined;
  /** Seconds exp and nbf may be off; 0 when undefined. */
  readonly clockToleranceSeconds?: number | undefined;
}

export interface VerifyItem extends VerifyOptions {
  readonly jws: string;
}

export interface Verification {
  readonly valid: boolean;
  /** Undefined when valid. */
  readonly reason: VerifyReason | undefined;
  /** The claim or header member that failed ("exp", "aud", "typ"...), when one did. */
  readonly claim: string | undefined;
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  /** State of the key the kid names, when the key set has it. */
  readonly keyState: KeyState | undefined;
  /** Only when the signature is good. */
  readonly payload: Buffer | undefined;
  readonly message: string;
}

/** One verification, for telemetry: what it came to, never the token itself. */
export interface VerifyObservation {
  readonly keySet: string;
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  readonly result: VerifyReason | 'valid';
  readonly at: Date;
}

export interface VerifierDeps {
  /** The key set's keys, published or not (throws NOT_FOUND for an unknown key set). */
  readonly keysOf: (keySet: string) => readonly KeyRecord[];
  readonly clock: () => Date;
  /** Called for every verification, synchronously: it must not throw. A no-op by default. */
  readonly observe?: (observation: VerifyObservation) => void;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export class Verifier {
  // Keyed by the record: a reload builds new records, so stale entries go with the old view.
  readonly #publicKeys = new WeakMap<KeyRecord, KeyObject>();
  readonly #observe: (observation: VerifyObservation) => void;

  constructor(private readonly deps: VerifierDeps) {
    this.#observe = deps.observe ?? (() => undefined);
  }

  verify(keySet: string, item: VerifyItem): Promise<Verification> {
    checkItem(item, '');
    return this.#verifyAll(keySet, [item]).then(([result]) => result!);
  }

  /** One result per item, in order. */
  verifyBatch(keySet: string, items: readonly VerifyItem[]): Promise<Verification[]> {
    if (items.length > MAX_BATCH_ITEMS) {
      throw invalidArgument('items', `holds ${items.length} tokens; the limit is ${MAX_BATCH_ITEMS}`);
    }
    items.forEach((item, index) => checkItem(item, `items[${index}].`));
    return this.#verifyAll(keySet, items);
  }

  /** Every item against the same view of the key set. */
  #verifyAll(keySet: string, items: readonly VerifyItem[]): Promise<Verification[]> {
    const keys = this.deps.keysOf(keySet);
    return Promise.all(
      items.map(async (item) => {
        const result = await this.#verifyOne(keys, item);
        const { kid, alg, valid, reason } = result;
        this.#observe({ keySet, kid, alg, result: valid ? 'valid' : reason!, at: this.deps.clock() });
        return result;
      }),
    );
  }

  async #verifyOne(keys: readonly KeyRecord[], item: VerifyItem): Promise<Verification> {
    const parts = item.jws.split('.');
    let header: ProtectedHeaderParameters;
    try {
      if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) throw new Error('not compact');
      header = decodeProtectedHeader(item.jws);
    } catch {
      return failure('MALFORMED', 'not a compact JWS (three base64url parts, the first a JSON header)');
    }
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    const alg = typeof header.alg === 'string' ? header.alg : undefined;
    const seen = { kid, alg };
    if (alg === undefined) return failure('MALFORMED', 'the header has no "alg"', seen);
    if (!isAlgorithm(alg)) return failure('UNSUPPORTED_ALG', 'alg is "none" or one Keyward never signs with', seen);

    const key = kid === undefined ? undefined : keys.find((candidate) => candidate.kid === kid);
    if (key === undefined) return failure('UNKNOWN_KID', "no key of this key set has the token's kid", seen);
    const known = { ...seen, keyState: key.state };
    if (key.state === 'REVOKED') return failure('KEY_REVOKED', 'the key that signed it was revoked', known);
    if (!isPublished(key.state)) return failure('KEY_EXPIRED', 'the key that signed it is no longer published', known);
    if (alg !== key.alg) return failure('ALG_MISMATCH', `alg is ${alg}; the key's algorithm is ${key.alg}`, known);

    let payload: Buffer;
    try {
      const verified = await compactVerify(item.jws, this.#publicKey(key), { algorithms: [key.alg] });
      payload = Buffer.from(verified.payload);
    } catch (error) {
      return error instanceof errors.JWSSignatureVerificationFailed
        ? failure('BAD_SIGNATURE', 'the signature does not match the key its kid names', known)
        : failure('MALFORMED', 'not a JWS this service can verify (e.g. an unknown "crit" header)', known);
    }
    const signed = { ...known, payload };
    const problem = claimProblem(header, payload, item, this.deps.clock());
    if (problem !== undefined) return failure(problem.reason, problem.message, { ...signed, claim: problem.claim });
    return { valid: true, reason: undefined, claim: undefined, message: 'valid', ...signed };
  }

  #publicKey(key: KeyRecord): KeyObject {
    let publicKey = this.#publicKeys.get(key);
    if (publicKey === undefined) {
      publicKey = createPublicKey({ key: key.publicJwk, format: 'jwk' });
      this.#publicKeys.set(key, publicKey);
    }
    return publicKey;
  }
}

/** A bad request, as opposed to a token that does not verify. */
function checkItem(item: VerifyItem, prefix: string): void {
  const size = Buffer.byteLength(item.jws, 'utf8');
  if (size > MAX_JWS_BYTES) throw invalidArgument(`${prefix}jws`, `is ${size} bytes; the limit is ${MAX_JWS_BYTES}`);
  const tolerance = item.clockToleranceSeconds ?? 0;
  if (!(tolerance >= 0 && tolerance <= MAX_CLOCK_TOLERANCE_SECONDS)) {
    throw invalidArgument(`${prefix}clock_tolerance`, `must be from 0 to ${MAX_CLOCK_TOLERANCE_SECONDS} seconds`);
  }
}

interface ClaimProblem {
  readonly reason: VerifyReason;
  readonly claim: string;
  readonly message: string;
}

/**
 * The claims, once the signature is good, in Keyward's order: exp, nbf, iss, aud, then the typ
 * header. A payload that is not a JSON object is opaque: it has no times, and no issuer or
 * audience to match.
 */
function claimProblem(
  header: ProtectedHeaderParameters,
  payload: Buffer,
  options: VerifyOptions,
  now: Date,
): ClaimProblem | undefined {
  const claims = claimsOf(payload);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  const tolerance = options.clockToleranceSeconds ?? 0;
  for (const name of ['exp', 'nbf'] as const) {
    const value = claims?.[name];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      return { reason: 'MALFORMED', claim: name, message: `"${name}" is not a NumericDate` };
    }
  }
  const { exp, nbf } = (claims ?? {}) as { exp?: number; nbf?: number };
  if (exp !== undefined && exp <= nowSeconds - tolerance) {
    return { reason: 'EXPIRED', claim: 'exp', message: `expired ${nowSeconds - exp}s ago` };
  }
  if (nbf !== undefined && nbf > nowSeconds + tolerance) {
    return { reason: 'NOT_YET_VALID', claim: 'nbf', message: `not valid for another ${nbf - nowSeconds}s` };
  }
  if (options.issuer !== undefined && claims?.iss !== options.issuer) {
    return { reason: 'ISSUER_MISMATCH', claim: 'iss', message: 'iss is not the expected issuer' };
  }
  if (options.audience !== undefined && !audiences(claims?.aud).includes(options.audience)) {
    return { reason: 'AUDIENCE_MISMATCH', claim: 'aud', message: 'aud does not hold the expected audience' };
  }
  if (
    options.typ !== undefined &&
    (typeof header.typ !== 'string' || mediaType(header.typ) !== mediaType(options.typ))
  ) {
    return { reason: 'TYPE_MISMATCH', claim: 'typ', message: 'typ is not the expected type' };
  }
  return undefined;
}

function claimsOf(payload: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(payload.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function audiences(aud: unknown): unknown[] {
  return Array.isArray(aud) ? aud : [aud];
}

/** RFC 7515 §4.1.9: "application/" may be left out, and media types compare case-insensitively. */
function mediaType(typ: string): string {
  return typ.toLowerCase().replace(/^application\//, '');
}

function failure(
  reason: VerifyReason,
  message: string,
  found: Partial<Pick<Verification, 'kid' | 'alg' | 'keyState' | 'payload' | 'claim'>> = {},
): Verification {
  return {
    valid: false,
    reason,
    message,
    claim: found.claim,
    kid: found.kid,
    alg: found.alg,
    keyState: found.keyState,
    payload: found.payload,
  };
}
