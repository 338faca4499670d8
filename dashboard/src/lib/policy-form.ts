// The policy edit form: what it starts from (the key set's policy in human units), and what a
// submitted form asks for (the proposed policy, the update_mask of the fields that changed, and
// the problems that stop it before Keyward is asked). Keyward still decides what is safe.
import { ExcessTtl, type KeySetPolicy } from '@keyward/proto/keyward/v1';
import type { FieldProblem } from './action-errors';
import { humanDuration, secondsOf, type DurationUnit } from './durations';
import { ALGORITHMS, DURATION_FIELDS, isRsa, RSA_MODULUS_BITS, type PolicyFormValues } from './policy-fields';

const secondsIn = (duration: { seconds: string } | undefined) => Number(duration?.seconds ?? 0);

function shown(seconds: number): { amount: string; unit: DurationUnit } {
  const { amount, unit } = humanDuration(seconds);
  return { amount: String(amount), unit };
}

export function policyFormValues(policy: KeySetPolicy): PolicyFormValues {
  const durations = Object.fromEntries(
    DURATION_FIELDS.map(([, key]) => [key, shown(secondsIn(policy[key]))]),
  ) as PolicyFormValues['durations'];
  const readiness = policy.activationReadiness;
  return {
    algorithm: policy.algorithm ?? '',
    rsaModulusBits: policy.rsaModulusBits === undefined ? '' : String(policy.rsaModulusBits),
    durations,
    excessTtl: policy.excessTtl === ExcessTtl.EXCESS_TTL_CLAMP ? 'clamp' : 'refuse',
    autoRotate: policy.autoRotate !== false,
    hold: readiness !== undefined,
    minSharePercent: readiness === undefined ? '80' : String(Math.round(readiness.minShare * 10_000) / 100),
    maxDelay: shown(readiness === undefined ? 86_400 : secondsIn(readiness.maxDelay)),
  };
}

export interface PolicyChange {
  /** The policy as the form asks for it: what its preview describes. */
  readonly policy: KeySetPolicy;
  /** The KeySetPolicy fields that differ from the current policy. */
  readonly updateMask: string[];
  readonly problems: FieldProblem[];
}

type Read = (name: string) => string | undefined;

/** Reads a submitted form (`read` gives a field's value) against the current policy. */
export function readPolicyForm(read: Read, current: KeySetPolicy): PolicyChange {
  const problems: FieldProblem[] = [];
  const duration = (field: string, fallback: number) => {
    const seconds = secondsOf(read(field) ?? '', read(`${field}_unit`) ?? '');
    if (seconds === undefined) {
      problems.push({
        field: field.startsWith('activation') ? 'activation_readiness' : field,
        message: 'Enter a whole, non-negative number.',
      });
      return { seconds: String(fallback), nanos: 0 };
    }
    return { seconds: String(seconds), nanos: 0 };
  };
  const algorithm = read('algorithm') ?? current.algorithm ?? '';
  if (!ALGORITHMS.includes(algorithm))
    problems.push({ field: 'algorithm', message: 'Choose an algorithm from the list.' });
  const bits = Number(read('rsa_modulus_bits'));
  const rsaModulusBits = isRsa(algorithm) ? (RSA_MODULUS_BITS.includes(bits) ? bits : 2048) : undefined;

  const policy: KeySetPolicy = {
    algorithm,
    rsaModulusBits,
    excessTtl: read('excess_ttl') === 'clamp' ? ExcessTtl.EXCESS_TTL_CLAMP : ExcessTtl.EXCESS_TTL_REFUSE,
    autoRotate: read('auto_rotate') === 'on',
    activationReadiness: undefined,
  };
  for (const [field, key] of DURATION_FIELDS) policy[key] = duration(field, secondsIn(current[key]));
  if (read('hold') === 'on') {
    const percent = Number(read('activation_min_share'));
    if (!(percent > 0 && percent <= 100)) {
      problems.push({ field: 'activation_readiness', message: 'The share must be more than 0% and at most 100%.' });
    }
    policy.activationReadiness = {
      minShare: percent / 100,
      maxDelay: duration('activation_max_delay', secondsIn(current.activationReadiness?.maxDelay)),
    };
  }
  return { policy, updateMask: changedFields(current, policy), problems };
}

/** The fields of `next` that differ from `current`, by KeySetPolicy's wire names. */
export function changedFields(current: KeySetPolicy, next: KeySetPolicy): string[] {
  const changed: string[] = [];
  if ((next.algorithm ?? '') !== (current.algorithm ?? '')) changed.push('algorithm');
  if (next.rsaModulusBits !== current.rsaModulusBits) changed.push('rsa_modulus_bits');
  for (const [field, key] of DURATION_FIELDS) {
    if (secondsIn(next[key]) !== secondsIn(current[key])) changed.push(field);
  }
  const excess = (policy: KeySetPolicy) =>
    policy.excessTtl === ExcessTtl.EXCESS_TTL_CLAMP ? ExcessTtl.EXCESS_TTL_CLAMP : ExcessTtl.EXCESS_TTL_REFUSE;
  if (excess(next) !== excess(current)) changed.push('excess_ttl');
  if ((next.autoRotate !== false) !== (current.autoRotate !== false)) changed.push('auto_rotate');
  const hold = (policy: KeySetPolicy) =>
    policy.activationReadiness === undefined
      ? 'none'
      : `${policy.activationReadiness.minShare}/${secondsIn(policy.activationReadiness.maxDelay)}`;
  if (hold(next) !== hold(current)) changed.push('activation_readiness');
  return changed;
}
