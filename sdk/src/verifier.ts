// Verifies Keyward-issued JWTs against a key set's jwks_uri: only with signing keys, only with the
// algorithm the JWKS declares for the kid, failures named in Keyward's vocabulary and (optionally)
// reported back to Keyward.
import {
  decodeProtectedHeader,
  importJWK,
  jwtVerify,
  type CryptoKey,
  type JWK,
  type JWTPayload,
  type JWTVerifyResult,
} from 'jose';
import { FailureReporter, type ReportOptions } from './failure-reporter.js';
import { guardedHooks, type VerifierHooks } from './hooks.js';
import { reasonOfJoseError } from './jose-errors.js';
import { JwksCache } from './jwks-cache.js';
import { JwksUnavailableError, KeywardVerificationError } from './verify-reasons.js';

/** The algorithms Keyward issues keys for (test/sdk-vocabulary.test.ts keeps it equal to the server's). */
export const KEYWARD_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

export interface KeywardVerifierOptions {
  /** The key set's jwks_uri, e.g. https://keyward.example.com/key-sets/payments/.well-known/jwks.json. */
  readonly jwksUri: string;
  /** Algorithms accepted at all (default: every one Keyward issues); the JWKS narrows it per kid. */
  readonly algorithms?: readonly string[];
  /** Failure reports to Keyward; off when not given. */
  readonly report?: ReportOptions;
  readonly hooks?: VerifierHooks;
  /** Default 5. */
  readonly fetchTimeoutSeconds?: number;
  /** max-age when the JWKS response names none. Default 300. */
  readonly defaultMaxAgeSeconds?: number;
  /** Floor under the response's max-age (also for no-store). Default 30. */
  readonly minMaxAgeSeconds?: number;
  /** Cap on how long past max-age the last good JWKS is served while the jwks_uri fails. Default 3600. */
  readonly maxStaleIfErrorSeconds?: number;
  /** After a failed fetch, no new request for this long. Default 5. */
  readonly fetchRetrySeconds?: number;
  /** An unknown kid causes a refetch only if no fetch happened within this many seconds. Default 10. */
  readonly unknownKidRefetchIntervalSeconds?: number;
  /**
   * A kid a fresh JWKS lacked fails without a fetch for this long. Default 30: short, since a replica
   * serving a JWKS a moment behind would otherwise shut out a new key's tokens for the whole time.
   */
  readonly unknownKidMemorySeconds?: number;
  /** How many such kids are remembered. Default 1000. */
  readonly unknownKidMemorySize?: number;
  /** For tests: the time (default: the system clock) and the HTTP client (default: global fetch). */
  readonly clock?: () => Date;
  readonly fetch?: typeof fetch;
}

export interface VerifyOptions {
  readonly issuer?: string | string[];
  readonly audience?: string | string[];
  /** The expected `typ` header, e.g. "at+jwt". */
  readonly typ?: string;
  /** Seconds (or a jose duration string like "30s"). */
  readonly clockTolerance?: number | string;
}

export class KeywardVerifier {
  readonly #cache: JwksCache;
  readonly #reporter: FailureReporter | undefined;
  readonly #clock: () => Date;
  readonly #algorithms: ReadonlySet<string>;
  readonly #hooks: VerifierHooks;
  /** Imported keys by JWK object (a new JWKS brings new objects, so old imports go with the old set). */
  readonly #imported = new WeakMap<JWK, Map<string, Promise<CryptoKey | Uint8Array>>>();

  constructor(options: KeywardVerifierOptions) {
    this.#clock = options.clock ?? (() => new Date());
    this.#algorithms = new Set(options.algorithms ?? KEYWARD_ALGORITHMS);
    this.#hooks = guardedHooks(options.hooks ?? {});
    const fetchImpl = options.fetch ?? globalThis.fetch;
    this.#cache = new JwksCache({
      jwksUri: options.jwksUri,
      clock: this.#clock,
      fetch: fetchImpl,
      fetchTimeoutSeconds: options.fetchTimeoutSeconds ?? 5,
      defaultMaxAgeSeconds: options.defaultMaxAgeSeconds ?? 300,
      minMaxAgeSeconds: options.minMaxAgeSeconds ?? 30,
      maxStaleIfErrorSeconds: options.maxStaleIfErrorSeconds ?? 3_600,
      fetchRetrySeconds: options.fetchRetrySeconds ?? 5,
      unknownKidRefetchIntervalSeconds: options.unknownKidRefetchIntervalSeconds ?? 10,
      unknownKidMemorySeconds: options.unknownKidMemorySeconds ?? 30,
      unknownKidMemorySize: options.unknownKidMemorySize ?? 1_000,
      ...(this.#hooks.onFetch === undefined ? {} : { onFetch: this.#hooks.onFetch }),
    });
    const report = options.report;
    this.#reporter =
      report === undefined || report.keywardUrl === '' || report.token === ''
        ? undefined
        : new FailureReporter(report, this.#clock, fetchImpl, this.#hooks);
  }

  /**
   * The verified token (jose's result). Throws KeywardVerificationError (with `reason`) for a token
   * that does not verify, JwksUnavailableError when no usable JWKS can be had.
   */
  async verify(token: string, options: VerifyOptions = {}): Promise<JWTVerifyResult<JWTPayload>> {
    const at = this.#clock();
    let kid: string | undefined;
    let alg: string | undefined;
    try {
      ({ kid, alg } = this.#headerOf(token));
      const checked = this.#check(kid, alg);
      const key = await this.#key(checked.kid, checked.alg);
      const result = await jwtVerify(token, key, {
        algorithms: [checked.alg],
        currentDate: at,
        ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
        ...(options.audience === undefined ? {} : { audience: options.audience }),
        ...(options.typ === undefined ? {} : { typ: options.typ }),
        ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
      });
      this.#hooks.onVerify?.({ ok: true, kid: checked.kid, alg: checked.alg });
      return result;
    } catch (error) {
      const failure = asVerificationError(error, kid, alg);
      if (failure === undefined) {
        if (error instanceof JwksUnavailableError && kid !== undefined && alg !== undefined) {
          this.#hooks.onVerify?.({ ok: false, reason: 'JWKS_UNAVAILABLE', kid, alg });
        }
        throw error;
      }
      this.#hooks.onVerify?.({ ok: false, reason: failure.reason, kid, alg });
      this.#reporter?.record(kid ?? '', failure.reason, alg ?? '', at);
      throw failure;
    }
  }

  /** Sends queued failure reports now (also done every flushIntervalSeconds). */
  async flushReports(): Promise<void> {
    await this.#reporter?.flush();
  }

  /** Waits for a JWKS request in flight (a background refresh), e.g. before shutting down. */
  async settled(): Promise<void> {
    await this.#cache.settled();
  }

  /** Sends queued failure reports and stops the timers. */
  async close(): Promise<void> {
    await this.#reporter?.close();
  }

  /** The header's kid and alg, as far as the header has them (for the failure report too). */
  #headerOf(token: string): { kid: string | undefined; alg: string | undefined } {
    let header: ReturnType<typeof decodeProtectedHeader>;
    try {
      header = decodeProtectedHeader(token);
    } catch (cause) {
      throw new KeywardVerificationError(
        'MALFORMED',
        'the token is not a JWS with a readable header',
        undefined,
        undefined,
        {
          cause,
        },
      );
    }
    const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    return { kid: text(header.kid), alg: text(header.alg) };
  }

  #check(kid: string | undefined, alg: string | undefined): { kid: string; alg: string } {
    if (alg === undefined) throw new KeywardVerificationError('MALFORMED', 'the token header names no "alg"');
    if (!this.#algorithms.has(alg)) {
      throw new KeywardVerificationError('UNSUPPORTED_ALG', `the algorithm ${JSON.stringify(alg)} is not accepted`);
    }
    if (kid === undefined) throw new KeywardVerificationError('MALFORMED', 'the token header names no "kid"');
    return { kid, alg };
  }

  async #key(kid: string, alg: string): Promise<CryptoKey | Uint8Array> {
    const candidates = await this.#cache.signingKeys(kid);
    // A JWK that names its alg is used with that alg only; one without is tried with the token's.
    const jwk = candidates.find((candidate) => candidate.alg === alg) ?? candidates.find((c) => c.alg === undefined);
    if (jwk === undefined) {
      const declared = candidates.map((candidate) => candidate.alg).join(', ');
      throw new KeywardVerificationError(
        'ALG_MISMATCH',
        `the key ${kid} is for ${declared}, the token says ${alg}`,
        kid,
        alg,
      );
    }
    let byAlg = this.#imported.get(jwk);
    if (byAlg === undefined) {
      byAlg = new Map();
      this.#imported.set(jwk, byAlg);
    }
    let imported = byAlg.get(alg);
    if (imported === undefined) {
      imported = importJWK(jwk, alg).catch((cause: unknown) => {
        throw new KeywardVerificationError('ALG_MISMATCH', `the key ${kid} cannot be used with ${alg}`, kid, alg, {
          cause,
        });
      });
      byAlg.set(alg, imported);
    }
    return imported;
  }
}

/** `error` as a KeywardVerificationError naming the token's kid and alg; undefined when it is none. */
function asVerificationError(
  error: unknown,
  kid: string | undefined,
  alg: string | undefined,
): KeywardVerificationError | undefined {
  if (error instanceof KeywardVerificationError) {
    return error.kid === kid && error.alg === alg
      ? error
      : new KeywardVerificationError(error.reason, error.message, kid, alg, { cause: error.cause });
  }
  const reason = reasonOfJoseError(error);
  return reason === undefined
    ? undefined
    : new KeywardVerificationError(reason, (error as Error).message, kid, alg, { cause: error });
}
