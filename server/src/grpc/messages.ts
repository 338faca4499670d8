// Translation between the service's records and the keyward.v1 wire messages.
import {
  ExcessTtl,
  KeyState as WireKeyState,
  KidScheme as WireKidScheme,
  type Key,
  type KeySet,
  type KeySetPolicy as WirePolicy,
} from '@keyward/proto/keyward/v1';
import type { KeySetView } from '../keyring/view.js';
import type { KeySetPolicy } from '../lifecycle/policy.js';
import type { KeyState } from '../lifecycle/states.js';
import { publishedJwk } from '../publication/jwks.js';
import { defaultIssuer, jwksUri } from '../publication/urls.js';
import { wholeSeconds, type PolicyPatch } from '../service/policy-patch.js';
import type { KeyRecord } from '../model/key.js';
import type { KidScheme } from '../model/key-set.js';
import { withoutUndefined } from '../objects.js';

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

export function toWireKeySet(view: KeySetView, publicUrl: string): KeySet {
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
  };
}

function toWirePolicy(policy: KeySetPolicy): WirePolicy {
  const readiness = policy.activationReadiness;
  return {
    algorithm: policy.algorithm,
    rsaModulusBits: policy.rsaModulusBits ?? 0,
    rotationPeriod: duration(policy.rotationPeriodSeconds),
    prePublishPeriod: duration(policy.prePublishPeriodSeconds),
    gracePeriod: duration(policy.gracePeriodSeconds),
    retentionPeriod: duration(policy.retentionPeriodSeconds),
    maxTokenTtl: duration(policy.maxTokenTtlSeconds),
    excessTtl: policy.excessTtl === 'clamp' ? ExcessTtl.EXCESS_TTL_CLAMP : ExcessTtl.EXCESS_TTL_REFUSE,
    autoRotate: policy.autoRotate,
    activationReadiness:
      readiness === null ? undefined : { minShare: readiness.minShare, maxDelay: duration(readiness.maxDelaySeconds) },
    clearActivationReadiness: false,
  };
}

/** A requested policy: unset fields keep their value. */
export function policyPatchFromWire(policy: WirePolicy | undefined): PolicyPatch {
  if (policy === undefined) return {};
  const seconds = (field: string, value: { seconds: string; nanos: number } | undefined) =>
    value === undefined ? undefined : wholeSeconds(`policy.${field}`, value.seconds, value.nanos);
  const readiness = policy.activationReadiness;
  return withoutUndefined({
    algorithm: policy.algorithm,
    rsaModulusBits: policy.rsaModulusBits,
    rotationPeriodSeconds: seconds('rotation_period', policy.rotationPeriod),
    prePublishPeriodSeconds: seconds('pre_publish_period', policy.prePublishPeriod),
    gracePeriodSeconds: seconds('grace_period', policy.gracePeriod),
    retentionPeriodSeconds: seconds('retention_period', policy.retentionPeriod),
    maxTokenTtlSeconds: seconds('max_token_ttl', policy.maxTokenTtl),
    excessTtl:
      policy.excessTtl === ExcessTtl.EXCESS_TTL_CLAMP
        ? 'clamp'
        : policy.excessTtl === ExcessTtl.EXCESS_TTL_REFUSE
          ? 'refuse'
          : undefined,
    autoRotate: policy.autoRotate,
    activationReadiness: policy.clearActivationReadiness
      ? null
      : readiness === undefined
        ? undefined
        : {
            minShare: readiness.minShare,
            maxDelaySeconds: seconds('activation_readiness.max_delay', readiness.maxDelay) ?? 0,
          },
  });
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
