import { isAlgorithm, isRsa, resolveKeyParams } from '../crypto/algorithms.js';
import { invalidArgument } from '../errors.js';
import {
  MAX_PERIOD_SECONDS,
  assertValidPolicy,
  defaultPolicy,
  type ActivationReadiness,
  type KeySetPolicy,
  type PolicyContext,
} from '../lifecycle/policy.js';

/**
 * A policy change as requested, field by field: absent (undefined) keeps the current value, null
 * puts the field back to its default (for activationReadiness: no hold), a value sets it.
 */
export interface PolicyPatch {
  readonly algorithm?: string;
  readonly rsaModulusBits?: number | null;
  readonly rotationPeriodSeconds?: number | null;
  readonly prePublishPeriodSeconds?: number | null;
  readonly gracePeriodSeconds?: number | null;
  readonly retentionPeriodSeconds?: number | null;
  readonly maxTokenTtlSeconds?: number | null;
  readonly excessTtl?: KeySetPolicy['excessTtl'] | null;
  readonly autoRotate?: boolean | null;
  readonly activationReadiness?: ActivationReadiness | null;
}

/** The policy after `patch`, refused with every problem named when the result is unsafe. */
export function applyPolicyPatch(base: KeySetPolicy, patch: PolicyPatch, context: PolicyContext): KeySetPolicy {
  const algorithm = patch.algorithm ?? base.algorithm;
  // An RSA key set moving to another RSA algorithm keeps its modulus length (unless put back to
  // the default); any other change of key type starts from that type's default.
  const keepsSize = patch.rsaModulusBits !== null && isAlgorithm(algorithm) && isRsa(algorithm);
  const bits = patch.rsaModulusBits ?? (keepsSize ? (base.rsaModulusBits ?? undefined) : undefined);
  const params = resolveKeyParams(algorithm, bits);
  const defaults = defaultPolicy(params.alg, params.rsaModulusBits, context);
  const pick = <K extends keyof KeySetPolicy>(field: K, requested: KeySetPolicy[K] | null | undefined) =>
    requested === undefined ? base[field] : requested === null ? defaults[field] : requested;
  const policy: KeySetPolicy = {
    algorithm: params.alg,
    rsaModulusBits: params.rsaModulusBits ?? null,
    rotationPeriodSeconds: pick('rotationPeriodSeconds', patch.rotationPeriodSeconds),
    prePublishPeriodSeconds: pick('prePublishPeriodSeconds', patch.prePublishPeriodSeconds),
    gracePeriodSeconds: pick('gracePeriodSeconds', patch.gracePeriodSeconds),
    retentionPeriodSeconds: pick('retentionPeriodSeconds', patch.retentionPeriodSeconds),
    maxTokenTtlSeconds: pick('maxTokenTtlSeconds', patch.maxTokenTtlSeconds),
    excessTtl: pick('excessTtl', patch.excessTtl),
    autoRotate: pick('autoRotate', patch.autoRotate),
    activationReadiness: pick('activationReadiness', patch.activationReadiness),
  };
  assertValidPolicy(policy, context);
  return policy;
}

/** Durations arrive as google.protobuf.Duration; the policy counts whole seconds. */
export function wholeSeconds(field: string, seconds: string | number, nanos: number): number {
  const value = Number(seconds);
  if (nanos !== 0 || !Number.isSafeInteger(value) || value < 0 || value > MAX_PERIOD_SECONDS) {
    throw invalidArgument(field, `must be a whole number of seconds from 0 to ${MAX_PERIOD_SECONDS}`);
  }
  return value;
}
