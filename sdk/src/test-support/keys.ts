// Signing keys and tokens for the SDK's tests, made with jose.
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

export interface TestKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  /** The public JWK as a JWKS publishes it. */
  readonly jwk: JWK;
}

export async function testKey(kid: string, alg = 'ES256', publish: Partial<JWK> = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig', ...publish } };
}

export interface TokenOptions {
  readonly claims?: JWTPayload;
  /** Seconds since the epoch; default: the clock's now. */
  readonly iat?: number;
  readonly exp?: number;
  /** Header members to set over kid and alg. */
  readonly header?: Record<string, unknown>;
}

export async function tokenOf(key: TestKey, now: Date, options: TokenOptions = {}): Promise<string> {
  const iat = options.iat ?? Math.floor(now.getTime() / 1_000);
  return new SignJWT({ sub: 'alice', ...options.claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT', ...options.header })
    .setIssuedAt(iat)
    .setExpirationTime(options.exp ?? iat + 3_600)
    .sign(key.privateKey);
}
