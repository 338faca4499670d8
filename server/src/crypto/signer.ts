// Compact JWS signing (RFC 7515 §7.1). This is the service's hot path, so everything that depends
// only on (alg, kid, key) is settled once in createSigner: key checks, node sign options, and the
// encoded protected header per typ.

import { constants, sign as nodeSign, type KeyObject, type SignKeyObjectInput } from 'node:crypto';
import { KeywardError } from '../errors.js';
import { ALGORITHM_SPECS, type Algorithm, type AlgorithmSpec } from './algorithms.js';

export interface Signer {
  readonly alg: Algorithm;
  readonly kid: string;
  /** Returns BASE64URL(header).BASE64URL(payload).BASE64URL(signature). */
  sign(payload: Buffer, typ: string | undefined): Promise<string>;
}

type RawSign = (signingInput: Buffer) => Promise<Buffer>;

export function createSigner(alg: Algorithm, kid: string, privateKey: KeyObject): Signer {
  if (kid === '') throw new KeywardError('INTERNAL', 'signer: kid must not be empty');
  const spec = ALGORITHM_SPECS[alg];
  assertKeyFits(alg, spec, privateKey);
  const rawSign = rawSignerFor(spec, privateKey);
  const headerPrefix = headerPrefixCache(alg, kid);

  return {
    alg,
    kid,
    sign(payload: Buffer, typ: string | undefined): Promise<string> {
      const signingInput = headerPrefix(typ) + payload.toString('base64url');
      // base64url is pure ASCII, for which latin1 is the cheapest exact encoding.
      return rawSign(Buffer.from(signingInput, 'latin1')).then(
        (signature) => `${signingInput}.${signature.toString('base64url')}`,
      );
    },
  };
}

function rawSignerFor(spec: AlgorithmSpec, key: KeyObject): RawSign {
  switch (spec.family) {
    case 'RSA':
    case 'RSA-PSS': {
      const options: SignKeyObjectInput =
        spec.family === 'RSA'
          ? { key, padding: constants.RSA_PKCS1_PADDING }
          : // RFC 7518 §3.5: the salt is as long as the hash output.
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: spec.hashLength };
      // An RSA private-key operation costs ~0.4 ms (2048) to several ms (4096). The callback form
      // runs it on libuv's thread pool, keeping the event loop free for other requests.
      return (data) =>
        new Promise((resolve, reject) => {
          nodeSign(spec.hash, data, options, (err, signature) => (err ? reject(err) : resolve(signature)));
        });
    }
    case 'EC': {
      // JWS wants r||s (IEEE P1363), not node's default DER.
      const options: SignKeyObjectInput = { key, dsaEncoding: 'ieee-p1363' };
      // ECDSA/EdDSA sign in tens of microseconds: less than the thread-pool round trip would cost,
      // so the synchronous form is the faster one and blocks the loop only briefly.
      return (data) => syncToPromise(() => nodeSign(spec.hash, data, options));
    }
    case 'OKP':
      // Ed25519 hashes internally; node requires a null digest for it.
      return (data) => syncToPromise(() => nodeSign(null, data, key));
  }
}

function syncToPromise(f: () => Buffer): Promise<Buffer> {
  try {
    return Promise.resolve(f());
  } catch (err) {
    return Promise.reject(err);
  }
}

// Issuers use one or two typ values ("JWT", "at+jwt", ...), so a few entries cover real traffic;
// the bound keeps caller-chosen typ values from growing memory without limit.
const MAX_CACHED_OTHER_TYPS = 8;

/** Returns `BASE64URL(header) + "."` for a typ, encoding each header once. */
function headerPrefixCache(alg: Algorithm, kid: string): (typ: string | undefined) => string {
  const encode = (typ: string | undefined): string =>
    // Member order alg, kid, typ; JSON.stringify drops typ when undefined.
    `${Buffer.from(JSON.stringify({ alg, kid, typ }), 'utf8').toString('base64url')}.`;
  const none = encode(undefined);
  const jwt = encode('JWT');
  const others = new Map<string, string>();

  return (typ) => {
    if (typ === undefined) return none;
    if (typ === 'JWT') return jwt;
    let prefix = others.get(typ);
    if (prefix === undefined) {
      prefix = encode(typ);
      if (others.size >= MAX_CACHED_OTHER_TYPS) {
        // Evict the oldest entry (Map iterates in insertion order).
        const oldest = others.keys().next();
        if (oldest.done !== true) others.delete(oldest.value);
      }
      others.set(typ, prefix);
    }
    return prefix;
  };
}

// A mismatched key would otherwise surface as an OpenSSL error on the first request, or worse, as
// valid signatures under the wrong parameters; fail when the signer is built instead.
function assertKeyFits(alg: Algorithm, spec: AlgorithmSpec, key: KeyObject): void {
  const fail = (problem: string): never => {
    throw new KeywardError('INTERNAL', `signer for ${alg}: ${problem}`);
  };
  if (key.type !== 'private') fail(`needs a private key, got a ${key.type} key`);
  const type = key.asymmetricKeyType;
  switch (spec.family) {
    case 'RSA':
    case 'RSA-PSS': {
      if (type !== 'rsa') fail(`needs an RSA key, got ${String(type)}`);
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      // RFC 7518 §3.3 / §3.5: 2048 bits minimum.
      if (bits < 2048) fail(`RSA modulus must be at least 2048 bits, got ${bits}`);
      return;
    }
    case 'EC': {
      if (type !== 'ec') fail(`needs an EC key, got ${String(type)}`);
      const curve = key.asymmetricKeyDetails?.namedCurve;
      if (curve !== spec.opensslCurve) fail(`needs curve ${spec.crv}, got ${String(curve)}`);
      return;
    }
    case 'OKP':
      if (type !== 'ed25519') fail(`needs an Ed25519 key, got ${String(type)}`);
      return;
  }
}
