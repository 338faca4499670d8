import { resolveKeyParams, type Algorithm, type RsaModulusBits } from '../crypto/algorithms.js';
import { KeywardError } from '../errors.js';

/** How a key set's keys live. Durations are whole seconds. */
export interface KeySetPolicy {
  /** Algorithm of the next key; a change takes effect at the next rotation. */
  readonly algorithm: Algorithm;
  readonly rsaModulusBits: RsaModulusBits | null;
  /** How long a key signs before its successor takes over. */
  readonly rotationPeriodSeconds: number;
  /** How long a new key is published before it signs: clients' cached JWKS must catch up first. */
  readonly prePublishPeriodSeconds: number;
  /** How long a retired key stays published, so the tokens it signed keep verifying. */
  readonly gracePeriodSeconds: number;
  /** How long an unpublished key's private material is kept before it is destroyed. */
  readonly retentionPeriodSeconds: number;
  /** The longest token lifetime Sign issues; bounds what the grace period must cover. */
  readonly maxTokenTtlSeconds: number;
  /** What Sign does with an `exp` beyond max_token_ttl: refuse the request, or clamp `exp`. */
  readonly excessTtl: 'refuse' | 'clamp';
  readonly autoRotate: boolean;
  /** Hold activation until this share of recently seen clients fetched the new key, at most maxDelay. */
  readonly activationReadiness: ActivationReadiness | null;
}

export interface ActivationReadiness {
  /** 0 < minShare <= 1 */
  readonly minShare: number;
  /** Added to the pre-publish period: the latest activation, whatever the share. */
  readonly maxDelaySeconds: number;
}

/** What the service's configuration adds to the rules. */
export interface PolicyContext {
  readonly jwksMaxAgeSeconds: number;
  /** stale-while-revalidate of the JWKS response: a cache may serve a copy this much past max-age. */
  readonly staleWhileRevalidateSeconds: number;
}

const DAY = 86_400;
/** About 68 years; periods are stored as 32-bit integers. */
export const MAX_PERIOD_SECONDS = 2_147_483_647;

export const POLICY_DEFAULTS = {
  rotationPeriodSeconds: 30 * DAY,
  retentionPeriodSeconds: 30 * DAY,
  maxTokenTtlSeconds: 3_600,
  gracePeriodSeconds: DAY,
} as const;

/** The longest a client may keep using a JWKS copy without asking again. */
export function cacheHorizonSeconds(context: PolicyContext): number {
  return context.jwksMaxAgeSeconds + context.staleWhileRevalidateSeconds;
}

export function defaultPolicy(
  algorithm: string,
  rsaModulusBits: number | undefined,
  context: PolicyContext,
): KeySetPolicy {
  const params = resolveKeyParams(algorithm, rsaModulusBits);
  const prePublish = Math.max(2 * context.jwksMaxAgeSeconds, cacheHorizonSeconds(context));
  return {
    algorithm: params.alg,
    rsaModulusBits: params.rsaModulusBits ?? null,
    rotationPeriodSeconds: Math.max(POLICY_DEFAULTS.rotationPeriodSeconds, prePublish + 1),
    prePublishPeriodSeconds: prePublish,
    gracePeriodSeconds: Math.max(
      POLICY_DEFAULTS.gracePeriodSeconds,
      POLICY_DEFAULTS.maxTokenTtlSeconds + cacheHorizonSeconds(context),
    ),
    retentionPeriodSeconds: POLICY_DEFAULTS.retentionPeriodSeconds,
    maxTokenTtlSeconds: POLICY_DEFAULTS.maxTokenTtlSeconds,
    excessTtl: 'refuse',
    autoRotate: true,
    activationReadiness: null,
  };
}

/**
 * Every problem with a policy, each naming its field and saying what would be accepted. The
 * relations between periods are what make rotation safe for clients that cache the JWKS.
 */
export function policyProblems(policy: KeySetPolicy, context: PolicyContext): string[] {
  const problems: string[] = [];
  const horizon = cacheHorizonSeconds(context);
  const wholeSeconds = (field: string, value: number, min: number) => {
    if (!Number.isSafeInteger(value) || value < min || value > MAX_PERIOD_SECONDS) {
      problems.push(`${field}: must be whole seconds, at least ${min} and at most ${MAX_PERIOD_SECONDS}`);
    }
  };
  wholeSeconds('rotation_period', policy.rotationPeriodSeconds, 1);
  wholeSeconds('pre_publish_period', policy.prePublishPeriodSeconds, 0);
  wholeSeconds('grace_period', policy.gracePeriodSeconds, 0);
  wholeSeconds('retention_period', policy.retentionPeriodSeconds, 0);
  wholeSeconds('max_token_ttl', policy.maxTokenTtlSeconds, 1);
  problems.push(...readinessProblems(policy.activationReadiness));
  // The relations below only make sense between well-formed numbers.
  if (problems.length > 0) return problems;

  if (policy.prePublishPeriodSeconds < horizon) {
    problems.push(
      `pre_publish_period: ${policy.prePublishPeriodSeconds}s is shorter than the ${horizon}s a client may cache ` +
        `the JWKS (max-age ${context.jwksMaxAgeSeconds}s + stale-while-revalidate ` +
        `${context.staleWhileRevalidateSeconds}s); clients would meet tokens whose kid they cannot find`,
    );
  }
  if (policy.rotationPeriodSeconds <= policy.prePublishPeriodSeconds) {
    problems.push(
      `rotation_period: ${policy.rotationPeriodSeconds}s must be longer than pre_publish_period ` +
        `(${policy.prePublishPeriodSeconds}s), or a key would be replaced before it ever signs`,
    );
  }
  const graceNeeded = policy.maxTokenTtlSeconds + context.jwksMaxAgeSeconds;
  if (policy.gracePeriodSeconds < graceNeeded) {
    problems.push(
      `grace_period: ${policy.gracePeriodSeconds}s is shorter than max_token_ttl (${policy.maxTokenTtlSeconds}s) ` +
        `plus the JWKS max-age (${context.jwksMaxAgeSeconds}s) = ${graceNeeded}s; ` +
        'tokens signed just before a rotation would stop verifying while still valid',
    );
  }
  return problems;
}

function readinessProblems(readiness: ActivationReadiness | null): string[] {
  if (readiness === null) return [];
  const problems: string[] = [];
  if (!(readiness.minShare > 0 && readiness.minShare <= 1)) {
    problems.push('activation_min_share: must be more than 0 and at most 1');
  }
  if (
    !Number.isSafeInteger(readiness.maxDelaySeconds) ||
    readiness.maxDelaySeconds < 0 ||
    readiness.maxDelaySeconds > MAX_PERIOD_SECONDS
  ) {
    problems.push(`activation_max_delay: must be whole seconds, at least 0 and at most ${MAX_PERIOD_SECONDS}`);
  }
  return problems;
}

export function assertValidPolicy(policy: KeySetPolicy, context: PolicyContext): void {
  const problems = policyProblems(policy, context);
  if (problems.length > 0) {
    throw new KeywardError('INVALID_ARGUMENT', `the policy is refused: ${problems.join('; ')}`);
  }
}
