// The policy form's fields and choices. No runtime import of the contract here: the form is a client
// component, and the generated contract module pulls in gRPC, which does not run in a browser.
import type { DurationUnit } from './durations';

export const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
export const RSA_MODULUS_BITS = [2048, 3072, 4096];

/** Wire name, KeySetPolicy key, label. */
export const DURATION_FIELDS = [
  ['rotation_period', 'rotationPeriod', 'Rotation period'],
  ['pre_publish_period', 'prePublishPeriod', 'Pre-publish period'],
  ['grace_period', 'gracePeriod', 'Grace period'],
  ['retention_period', 'retentionPeriod', 'Retention period'],
  ['max_token_ttl', 'maxTokenTtl', 'Longest token lifetime'],
] as const;

export type DurationField = (typeof DURATION_FIELDS)[number][1];

export function isRsa(algorithm: string): boolean {
  return /^(RS|PS)\d{3}$/.test(algorithm);
}

/** Everything the form shows, as strings and flags (a form's own terms). */
export interface PolicyFormValues {
  readonly algorithm: string;
  readonly rsaModulusBits: string;
  readonly durations: Readonly<Record<DurationField, { amount: string; unit: DurationUnit }>>;
  readonly excessTtl: 'refuse' | 'clamp';
  readonly autoRotate: boolean;
  readonly hold: boolean;
  readonly minSharePercent: string;
  readonly maxDelay: { amount: string; unit: DurationUnit };
}
