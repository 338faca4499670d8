// A GatewaySource for tests: real JSON documents held in maps the test can swap at will.
// (The real source is wired elsewhere; the gateway only sees this interface.)

import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { GatewaySource, PreparedDocument } from '../source.js';

type Readiness = Awaited<ReturnType<GatewaySource['readiness']>>;

export function prepareDocument(value: unknown): PreparedDocument {
  const body = Buffer.from(JSON.stringify(value));
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  return { body, etag };
}

/** A JWKS holding one freshly generated P-256 public key. */
export function realJwks(kid: string): PreparedDocument {
  return realJwksWithSigningKey(kid).document;
}

/** The same, with the private key, for tests that sign a token and verify it against the gateway. */
export function realJwksWithSigningKey(kid: string): { document: PreparedDocument; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { document: prepareDocument({ keys: [{ ...jwk, kid, use: 'sig', alg: 'ES256' }] }), privateKey };
}

export function realDiscovery(issuer: string): PreparedDocument {
  return prepareDocument({
    issuer,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    id_token_signing_alg_values_supported: ['ES256'],
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
  });
}

export class FakeSource implements GatewaySource {
  readonly jwksDocuments = new Map<string, PreparedDocument>();
  readonly discoveryDocuments = new Map<string, PreparedDocument>();
  readinessAnswer: () => Promise<Readiness> = () => Promise.resolve({ ready: true });
  /** When set, every document lookup throws it. */
  failure: Error | undefined;

  jwks(keySet: string): PreparedDocument | undefined {
    if (this.failure) throw this.failure;
    return this.jwksDocuments.get(keySet);
  }

  discovery(keySet: string): PreparedDocument | undefined {
    if (this.failure) throw this.failure;
    return this.discoveryDocuments.get(keySet);
  }

  readiness(): Promise<Readiness> {
    return this.readinessAnswer();
  }
}

/** A source with key sets `default` and `payments`, each with a JWKS and a discovery document. */
export function populatedSource(): FakeSource {
  const source = new FakeSource();
  for (const keySet of ['default', 'payments']) {
    source.jwksDocuments.set(keySet, realJwks(`${keySet}-1`));
    source.discoveryDocuments.set(keySet, realDiscovery(`https://issuer.example/${keySet}`));
  }
  return source;
}
