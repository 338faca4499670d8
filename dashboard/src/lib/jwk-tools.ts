// The JWK tools' work, done with WebCrypto through jose wherever this runs: in the browser (the
// tools page) and in Node (its unit tests). Nothing here sends anything anywhere.
import {
  base64url,
  calculateJwkThumbprint,
  decodeProtectedHeader,
  exportJWK,
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importJWK,
  importPKCS8,
  importSPKI,
  type JWK,
} from 'jose';
import { importAlgorithmFor, type KeyType, type KeyUse } from './jwk-options';

/** The members that are the key itself (RFC 7517/7518/8037); metadata (alg, use, key_ops, ext) is left out. */
const PUBLIC_MEMBERS = ['kty', 'crv', 'n', 'e', 'x', 'y'] as const;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi'] as const;

export interface KeyPairOutput {
  readonly publicJwk: JWK;
  readonly privateJwk: JWK;
  /** PKCS#8 */
  readonly privatePem: string;
  /** SPKI */
  readonly publicPem: string;
  /** RFC 7638, SHA-256, base64url: also the kid. */
  readonly thumbprint: string;
}

/** PEM as files hold it: ending in a newline (jose's has none; openssl's and node's have one). */
const pemFile = (pem: string) => (pem.endsWith('\n') ? pem : `${pem}\n`);

function keyMembers(jwk: JWK, withPrivate: boolean): JWK {
  const names: readonly string[] = withPrivate ? [...PUBLIC_MEMBERS, ...PRIVATE_MEMBERS] : PUBLIC_MEMBERS;
  const source = jwk as Record<string, unknown>;
  const picked: Record<string, unknown> = {};
  for (const name of names) if (source[name] !== undefined) picked[name] = source[name];
  return picked;
}

/** A fresh key pair of `type` for `alg` (one algorithmsFor offers), as JWKs and PEM, kid = thumbprint. */
export async function generateKeyMaterial(type: KeyType, use: KeyUse, alg: string): Promise<KeyPairOutput> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(type.modulusLength === undefined ? {} : { modulusLength: type.modulusLength }),
    ...(type.crv === undefined ? {} : { crv: type.crv }),
  });
  const publicMembers = keyMembers(await exportJWK(publicKey), false);
  const thumbprint = await calculateJwkThumbprint(publicMembers, 'sha256');
  const metadata = { kid: thumbprint, use, alg };
  return {
    publicJwk: { ...publicMembers, ...metadata },
    privateJwk: { ...keyMembers(await exportJWK(privateKey), true), ...metadata },
    privatePem: pemFile(await exportPKCS8(privateKey)),
    publicPem: pemFile(await exportSPKI(publicKey)),
    thumbprint,
  };
}

export class ToolInputError extends Error {
  override readonly name = 'ToolInputError';
}

export const MIN_RSA_BITS = 2048;

/** RSA under 2048 bits is refused here as everywhere in Keyward: the tools neither make nor convert it. */
function assertStrongEnough(jwk: JWK): JWK {
  if (jwk.kty === 'RSA' && typeof jwk.n === 'string') {
    const bits = base64url.decode(jwk.n).length * 8;
    if (bits < MIN_RSA_BITS) {
      throw new ToolInputError(`This is a ${bits}-bit RSA key: keys under ${MIN_RSA_BITS} bits are not handled here.`);
    }
  }
  return jwk;
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;
const CANDIDATE_ALGS = ['PS256', 'ES256', 'ES384', 'ES512', 'EdDSA', 'ECDH-ES'] as const;

/** A PKCS#8 private or SPKI public key in PEM as a JWK (a private one with its public members). */
export async function pemToJwk(pem: string): Promise<JWK> {
  const text = pem.trim();
  const label = PEM_LABEL.exec(text)?.[1];
  if (label === undefined)
    throw new ToolInputError('Paste a PEM block: -----BEGIN PRIVATE KEY----- or -----BEGIN PUBLIC KEY-----.');
  if (label === 'RSA PRIVATE KEY' || label === 'EC PRIVATE KEY') {
    throw new ToolInputError(
      `${label} (PKCS#1/SEC1) is not read here: convert it to PKCS#8 first (openssl pkcs8 -topk8 -nocrypt).`,
    );
  }
  if (label === 'ENCRYPTED PRIVATE KEY') {
    throw new ToolInputError('An encrypted PKCS#8 key is not read here: decrypt it first (openssl pkcs8).');
  }
  if (label !== 'PRIVATE KEY' && label !== 'PUBLIC KEY') {
    throw new ToolInputError(`A ${label} is not a key: paste a PRIVATE KEY (PKCS#8) or PUBLIC KEY (SPKI).`);
  }
  const isPrivate = label === 'PRIVATE KEY';
  // WebCrypto imports a key only for a named algorithm: try each kind until one takes the bytes.
  for (const alg of CANDIDATE_ALGS) {
    try {
      const key = isPrivate
        ? await importPKCS8(text, alg, { extractable: true })
        : await importSPKI(text, alg, { extractable: true });
      return assertStrongEnough(keyMembers(await exportJWK(key), isPrivate));
    } catch (error) {
      if (error instanceof ToolInputError) throw error;
      // Not this kind of key; the next one may be.
    }
  }
  throw new ToolInputError('This PEM holds no RSA, P-256/384/521, Ed25519 or X25519 key that could be read.');
}

/** A JWK as a JSON object, or a clear error. */
export function parseJwk(text: string): JWK {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ToolInputError('This is not JSON: paste a JWK, e.g. {"kty":"EC","crv":"P-256",…}.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value) || typeof (value as JWK).kty !== 'string') {
    throw new ToolInputError('A JWK is a JSON object with a "kty" member.');
  }
  return value;
}

export interface PemOutput {
  /** PKCS#8, when the JWK holds the private key. */
  readonly privatePem: string | undefined;
  /** SPKI */
  readonly publicPem: string;
}

/** A JWK (private or public) as PEM: PKCS#8 for the private key, SPKI for the public one. */
export async function jwkToPem(jwk: JWK): Promise<PemOutput> {
  const alg = importAlgorithmFor(jwk.kty ?? '', jwk.crv);
  if (alg === undefined) {
    throw new ToolInputError(
      `kty ${jwk.kty} ${jwk.crv ?? ''} is not supported: RSA, EC P-256/384/521, Ed25519 and X25519 are.`,
    );
  }
  assertStrongEnough(jwk);
  const isPrivate = jwk.d !== undefined;
  try {
    const publicKey = await importJWK(keyMembers(jwk, false), alg, { extractable: true });
    const privateKey = isPrivate ? await importJWK(keyMembers(jwk, true), alg, { extractable: true }) : undefined;
    return {
      privatePem: privateKey === undefined ? undefined : pemFile(await exportPKCS8(privateKey as CryptoKey)),
      publicPem: pemFile(await exportSPKI(publicKey as CryptoKey)),
    };
  } catch (error) {
    throw new ToolInputError(`This JWK could not be imported: ${(error as Error).message}`);
  }
}

/** The RFC 7638 SHA-256 thumbprint of a JWK's public key (a private JWK gives its public key's). */
export async function thumbprintOf(jwk: JWK): Promise<string> {
  try {
    return await calculateJwkThumbprint(keyMembers(jwk, false), 'sha256');
  } catch (error) {
    throw new ToolInputError(`No thumbprint: ${(error as Error).message}`);
  }
}

export interface CheckResult {
  /** What was checked: a JWK, or a token's protected header. */
  readonly subject: 'jwk' | 'token';
  readonly kid: string | undefined;
  readonly alg: string | undefined;
  /** Whether the JWKS has a key with that kid. */
  readonly kidPublished: boolean;
  /** JWK only: its thumbprint. */
  readonly thumbprint: string | undefined;
  /** JWK only: whether the published key with that kid is the same key (same thumbprint). */
  readonly thumbprintMatches: boolean | undefined;
  /** JWK only: kids of published keys with the same thumbprint (the key may be published under another kid). */
  readonly publishedAs: readonly string[];
  /** Whether the published key's alg agrees with the checked one's (undefined when either has none). */
  readonly algMatches: boolean | undefined;
}

/**
 * `input` (a JWK, or a compact JWS/JWE whose protected header is only decoded, never verified)
 * against a JWKS. A header that says `alg: none` is refused: no key could ever stand for it.
 */
export async function checkAgainstJwks(input: string, jwksJson: string): Promise<CheckResult> {
  const text = input.trim();
  const published = publishedKeys(jwksJson);
  if (text.startsWith('{')) {
    const jwk = parseJwk(text);
    const thumbprint = await thumbprintOf(jwk);
    const sameKid = published.find((key) => jwk.kid !== undefined && key.kid === jwk.kid);
    const publishedAs: string[] = [];
    for (const key of published) {
      if ((await thumbprintOf(key).catch(() => undefined)) === thumbprint) publishedAs.push(key.kid ?? '');
    }
    return {
      subject: 'jwk',
      kid: jwk.kid,
      alg: jwk.alg,
      kidPublished: sameKid !== undefined,
      thumbprint,
      thumbprintMatches: sameKid === undefined ? undefined : (await thumbprintOf(sameKid)) === thumbprint,
      publishedAs,
      algMatches: algAgreement(jwk.alg, sameKid?.alg),
    };
  }
  let header;
  try {
    header = decodeProtectedHeader(text);
  } catch {
    throw new ToolInputError('Paste a JWK (JSON) or a compact token (header.payload.signature).');
  }
  if (typeof header.alg === 'string' && header.alg.toLowerCase() === 'none') {
    throw new ToolInputError('This token says alg "none": it carries no signature, and no key set may accept it.');
  }
  const kid = typeof header.kid === 'string' ? header.kid : undefined;
  const sameKid = published.find((key) => kid !== undefined && key.kid === kid);
  return {
    subject: 'token',
    kid,
    alg: header.alg,
    kidPublished: sameKid !== undefined,
    thumbprint: undefined,
    thumbprintMatches: undefined,
    publishedAs: [],
    algMatches: algAgreement(header.alg, sameKid?.alg),
  };
}

function algAgreement(checked: string | undefined, published: string | undefined): boolean | undefined {
  return checked === undefined || published === undefined ? undefined : checked === published;
}

function publishedKeys(jwksJson: string): JWK[] {
  const jwks = JSON.parse(jwksJson) as { keys?: unknown };
  return Array.isArray(jwks.keys) ? (jwks.keys as JWK[]) : [];
}
