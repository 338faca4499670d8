// Translation between the service's records and the keyward.v1 wire messages.
import {
  ExcessTtl,
  KeyState as WireKeyState,
  KidScheme as WireKidScheme,
  type Key,
  type KeySet,
  type KeySetPolicy as WirePolicy,
  type StatsSeries,
} from '@keyward/proto/keyward/v1';
import type { KeySetView } from '../keyring/view.js';
import type { KeySetPolicy } from '../lifecycle/policy.js';
import type { KeyState } from '../lifecycle/states.js';
import { publishedJwk } from '../publication/jwks.js';
import { defaultIssuer, jwksUri } from '../publication/urls.js';
import { wholeSeconds, type PolicyPatch } from '../service/policy-patch.js';
import type { KeyRecord } from '../model/key.js';
import type { KidScheme } from '../model/key-set.js';
import type { StepSeries } from '../model/time-steps.js';
import { withoutUndefined } from '../objects.js';
import { invalidArgument } from '../errors.js';

const WIRE_STATES: Readonly<Record<KeyState, WireKeyState>> = {
  PENDING: WireKeyState.KEY_STATE_PENDING,
  ACTIVE: WireKeyState.KEY_STATE_ACTIVE,
  RETIRED: WireKeyState.KEY_STATE_RETIRED,
  EXPIRED: WireKeyState.KEY_STATE_EXPIRED,
  DESTROYED: WireKeyState.KEY_STATE_DESTROYED,
  REVOKED: WireKeyState.KEY_STATE_REVOKED,
};

export function wireState(state: KeyState): WireKeyState {
  return WIRE_STATES[state];
}

export function kidSchemeFromWire(scheme: WireKidScheme): KidScheme {
  return scheme === WireKidScheme.KID_SCHEME_RANDOM ? 'random' : 'jwk-thumbprint';
}

function kidSchemeToWire(scheme: KidScheme): WireKidScheme {
  return scheme === 'random' ? WireKidScheme.KID_SCHEME_RANDOM : WireKidScheme.KID_SCHEME_JWK_THUMBPRINT;
}

export function duration(seconds: number) {
  return { seconds: String(seconds), nanos: 0 };
}

/** A stats request's step in whole seconds; NaN (refused by stepsBetween) when unset or fractional. */
export function stepSecondsFromWire(step: { seconds: string; nanos: number } | undefined): number {
  return step === undefined || step.nanos !== 0 ? Number.NaN : Number(step.seconds);
}

export function toWireSeries(series: readonly StepSeries[]): StatsSeries[] {
  return series.map(({ key, points }) => ({
    key,
    points: points.map((point) => ({ start: point.start, count: String(point.count) })),
  }));
}

/** `policyWarnings`: what the service finds unsafe in the stored policy (KeyManager.policyWarnings). */
export function toWireKeySet(view: KeySetView, publicUrl: string, policyWarnings: readonly string[]): KeySet {
  const { keySet } = view;
  return {
    name: keySet.name,
    algorithm: keySet.policy.algorithm,
    rsaModulusBits: keySet.policy.rsaModulusBits ?? 0,
    kidScheme: kidSchemeToWire(keySet.kidScheme),
    issuer: keySet.issuer ?? defaultIssuer(publicUrl, keySet.name),
    jwksUri: jwksUri(publicUrl, keySet.name),
    activeKid: view.signer?.kid ?? '',
    createdAt: keySet.createdAt,
    policy: toWirePolicy(keySet.policy),
    policyWarnings: [...policyWarnings],
  };
}

function toWirePolicy(policy: KeySetPolicy): WirePolicy {
  const readiness = policy.activationReadiness;
  // Only what applies is set, so that a client can send what it read straight back.
  return {
    algorithm: policy.algorithm,
    rsaModulusBits: policy.rsaModulusBits ?? undefined,
    rotationPeriod: duration(policy.rotationPeriodSeconds),
    prePublishPeriod: duration(policy.prePublishPeriodSeconds),
    gracePeriod: duration(policy.gracePeriodSeconds),
    retentionPeriod: duration(policy.retentionPeriodSeconds),
    maxTokenTtl: duration(policy.maxTokenTtlSeconds),
    excessTtl: policy.excessTtl === 'clamp' ? ExcessTtl.EXCESS_TTL_CLAMP : ExcessTtl.EXCESS_TTL_REFUSE,
    autoRotate: policy.autoRotate,
    activationReadiness:
      readiness === null ? undefined : { minShare: readiness.minShare, maxDelay: duration(readiness.maxDelaySeconds) },
  };
}

/** The KeySetPolicy fields an update_mask may name (AIP-161 paths, relative to KeySetPolicy). */
const POLICY_FIELDS = {
  algorithm: 'algorithm',
  rsa_modulus_bits: 'rsaModulusBits',
  rotation_period: 'rotationPeriodSeconds',
  pre_publish_period: 'prePublishPeriodSeconds',
  grace_period: 'gracePeriodSeconds',
  retention_period: 'retentionPeriodSeconds',
  max_token_ttl: 'maxTokenTtlSeconds',
  excess_ttl: 'excessTtl',
  auto_rotate: 'autoRotate',
  activation_readiness: 'activationReadiness',
} as const satisfies Record<string, keyof PolicyPatch>;

type PolicyPath = keyof typeof POLICY_FIELDS;

/**
 * A requested policy as a patch. Without a mask, the fields set change (AIP-134's implied mask).
 * With one, exactly the named fields change, and a named field left unset goes back to its
 * default; "*" names them all.
 */
export function policyPatchFromWire(policy: WirePolicy | undefined, updateMask?: readonly string[]): PolicyPatch {
  const given = policyValuesFromWire(policy);
  if (updateMask === undefined || updateMask.length === 0) return withoutUndefined(given);
  const paths = updateMask.includes('*') ? (Object.keys(POLICY_FIELDS) as PolicyPath[]) : updateMask.map(policyPath);
  const patch: Record<string, unknown> = {};
  for (const path of paths) {
    const field = POLICY_FIELDS[path];
    if (field === 'algorithm' && given.algorithm === undefined) {
      throw invalidArgument(
        'policy.algorithm',
        'is named in update_mask but not set: a key set always has an algorithm',
      );
    }
    patch[field] = given[field] ?? null;
  }
  return patch;
}

function policyPath(path: string, index: number): PolicyPath {
  if (!Object.hasOwn(POLICY_FIELDS, path)) {
    throw invalidArgument(
      `update_mask.paths[${index}]`,
      `"${path}" is not a KeySetPolicy field; use "*" or some of ${Object.keys(POLICY_FIELDS).join(', ')}`,
    );
  }
  return path as PolicyPath;
}

/** The values a wire policy sets; undefined where it sets none. */
function policyValuesFromWire(policy: WirePolicy | undefined): { [F in keyof Required<PolicyPatch>]: PolicyPatch[F] } {
  const seconds = (field: string, value: { seconds: string; nanos: number } | undefined) =>
    value === undefined ? undefined : wholeSeconds(`policy.${field}`, value.seconds, value.nanos);
  const readiness = policy?.activationReadiness;
  return {
    algorithm: policy?.algorithm,
    rsaModulusBits: policy?.rsaModulusBits,
    rotationPeriodSeconds: seconds('rotation_period', policy?.rotationPeriod),
    prePublishPeriodSeconds: seconds('pre_publish_period', policy?.prePublishPeriod),
    gracePeriodSeconds: seconds('grace_period', policy?.gracePeriod),
    retentionPeriodSeconds: seconds('retention_period', policy?.retentionPeriod),
    maxTokenTtlSeconds: seconds('max_token_ttl', policy?.maxTokenTtl),
    excessTtl:
      policy?.excessTtl === ExcessTtl.EXCESS_TTL_CLAMP
        ? 'clamp'
        : policy?.excessTtl === ExcessTtl.EXCESS_TTL_REFUSE
          ? 'refuse'
          : undefined,
    autoRotate: policy?.autoRotate,
    activationReadiness:
      readiness === undefined
        ? undefined
        : {
            minShare: readiness.minShare,
            maxDelaySeconds: seconds('activation_readiness.max_delay', readiness.maxDelay) ?? 0,
          },
  };
}

export function toWireKey(key: KeyRecord): Key {
  return {
    kid: key.kid,
    alg: key.alg,
    use: key.use,
    state: WIRE_STATES[key.state],
    createdAt: key.createdAt,
    activatedAt: key.activatedAt ?? undefined,
    retiredAt: key.retiredAt ?? undefined,
    expiredAt: key.expiredAt ?? undefined,
    revokedAt: key.revokedAt ?? undefined,
    destroyedAt: key.destroyedAt ?? undefined,
    revocationReason: key.revocationReason ?? '',
    publicJwkJson: JSON.stringify(publishedJwk(key)),
  };
}
