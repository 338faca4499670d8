// What the JWK tools offer: the key types and, for each use, the one algorithm a key of that type
// is made for. No `none`, no RSA under 2048 bits: they are not in these lists, so no form can ask.

export type KeyUse = 'sig' | 'enc';

export interface KeyType {
  readonly id: string;
  readonly label: string;
  readonly kty: 'RSA' | 'EC' | 'OKP';
  /** RSA only. */
  readonly modulusLength?: number;
  /** EC and OKP only. */
  readonly crv?: 'P-256' | 'P-384' | 'P-521' | 'Ed25519' | 'X25519';
  /** The algorithm per use; a use the type is not made for is absent. */
  readonly alg: Readonly<Partial<Record<KeyUse, string>>>;
}

const rsa = (bits: number): KeyType => ({
  id: `RSA-${bits}`,
  label: `RSA ${bits}`,
  kty: 'RSA',
  modulusLength: bits,
  alg: { sig: 'PS256', enc: 'RSA-OAEP-256' },
});

export const KEY_TYPES: readonly KeyType[] = [
  rsa(2048),
  rsa(3072),
  rsa(4096),
  { id: 'P-256', label: 'EC P-256', kty: 'EC', crv: 'P-256', alg: { sig: 'ES256', enc: 'ECDH-ES' } },
  { id: 'P-384', label: 'EC P-384', kty: 'EC', crv: 'P-384', alg: { sig: 'ES384', enc: 'ECDH-ES' } },
  { id: 'P-521', label: 'EC P-521', kty: 'EC', crv: 'P-521', alg: { sig: 'ES512', enc: 'ECDH-ES' } },
  { id: 'Ed25519', label: 'Ed25519 (signing)', kty: 'OKP', crv: 'Ed25519', alg: { sig: 'EdDSA' } },
  { id: 'X25519', label: 'X25519 (encryption)', kty: 'OKP', crv: 'X25519', alg: { enc: 'ECDH-ES' } },
];

/** RSA signing keys may use either padding; PS256 is offered first, RS256 for older verifiers. */
export const RSA_SIGNING_ALGORITHMS = ['PS256', 'RS256'] as const;

export function keyTypeById(id: string): KeyType | undefined {
  return KEY_TYPES.find((type) => type.id === id);
}

/** The algorithms a key of `type` may be generated for with `use`; empty when it is not made for it. */
export function algorithmsFor(type: KeyType, use: KeyUse): string[] {
  const alg = type.alg[use];
  if (alg === undefined) return [];
  return type.kty === 'RSA' && use === 'sig' ? [...RSA_SIGNING_ALGORITHMS] : [alg];
}

/** Every algorithm any option offers (tests assert `none` is not one of them). */
export function offeredAlgorithms(): string[] {
  const algs = KEY_TYPES.flatMap((type) => [...algorithmsFor(type, 'sig'), ...algorithmsFor(type, 'enc')]);
  return [...new Set(algs)];
}

/**
 * The algorithm WebCrypto needs to import a JWK or PEM of this kty/crv. It only picks the import
 * procedure; the key's bytes, and so its JWK, PEM and thumbprint, are the same whatever the alg.
 */
export function importAlgorithmFor(kty: string, crv: string | undefined): string | undefined {
  if (kty === 'RSA') return 'PS256';
  if (kty === 'EC') return { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' }[crv ?? ''];
  if (kty === 'OKP') return { Ed25519: 'EdDSA', X25519: 'ECDH-ES' }[crv ?? ''];
  return undefined;
}
