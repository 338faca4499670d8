import { isAlgorithm, isRsa, resolveKeyParams } from '../crypto/algorithms.js';
import { invalidArgument } from '../errors.js';
import {
  MAX_PERIOD_SECONDS,
  assertValidPolicy,
  type ActivationReadiness,
  type KeySetPolicy,
  type PolicyContext,
} from '../lifecycle/policy.js';

/** A policy change as requested: what is absent keeps its current value. */
export interface PolicyPatch {
  readonly algorithm?: string;
  readonly rsaModulusBits?: number;
  readonly rotationPeriodSeconds?: number;
  readonly prePublishPeriodSeconds?: number;
  readonly gracePeriodSeconds?: number;
  readonly retentionPeriodSeconds?: number;
  readonly maxTokenTtlSeconds?: number;
  readonly excessTtl?: KeySetPolicy['excessTtl'];
  readonly autoRotate?: boolean;
  /** null removes the activation hold. */
  readonly activationReadiness?: ActivationReadiness | null;
}

/** The policy after `patch`, refused with every problem named when the result is unsafe. */
export function applyPolicyPatch(base: KeySetPolicy, patch: PolicyPatch, context: PolicyContext): KeySetPolicy {
  const algorithm = patch.algorithm ?? base.algorithm;
  // An RSA key set moving to another RSA algorithm keeps its modulus length; any other change of
  // key type starts from that type's default.
  const keepsSize = isAlgorithm(algorithm) && isRsa(algorithm) && base.rsaModulusBits !== null;
  const params = resolveKeyParams(
    algorithm,
    patch.rsaModulusBits ?? (keepsSize ? (base.rsaModulusBits ?? undefined) : undefined),
  );
  const policy: KeySetPolicy = {
    algorithm: params.alg,
    rsaModulusBits: params.rsaModulusBits ?? null,
    rotationPeriodSeconds: patch.rotationPeriodSeconds ?? base.rotationPeriodSeconds,
    prePublishPeriodSeconds: patch.prePublishPeriodSeconds ?? base.prePublishPeriodSeconds,
    gracePeriodSeconds: patch.gracePeriodSeconds ?? base.gracePeriodSeconds,
    retentionPeriodSeconds: patch.retentionPeriodSeconds ?? base.retentionPeriodSeconds,
    maxTokenTtlSeconds: patch.maxTokenTtlSeconds ?? base.maxTokenTtlSeconds,
    excessTtl: patch.excessTtl ?? base.excessTtl,
    autoRotate: patch.autoRotate ?? base.autoRotate,
    activationReadiness: patch.activationReadiness === undefined ? base.activationReadiness : patch.activationReadiness,
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
