import { ExcessTtl, type KeySetPolicy } from '@keyward/proto/keyward/v1';
import { describe, expect, it } from 'vitest';
import { changedFields, policyFormValues, readPolicyForm } from './policy-form.js';

const d = (seconds: number) => ({ seconds: String(seconds), nanos: 0 });

const CURRENT: KeySetPolicy = {
  algorithm: 'ES256',
  rotationPeriod: d(30 * 86_400),
  prePublishPeriod: d(600),
  gracePeriod: d(86_400),
  retentionPeriod: d(30 * 86_400),
  maxTokenTtl: d(3_600),
  excessTtl: ExcessTtl.EXCESS_TTL_REFUSE,
  autoRotate: true,
  activationReadiness: undefined,
};

/** The form as policyFormValues fills it, with `overrides` typed over it. */
function formOf(policy: KeySetPolicy, overrides: Record<string, string | undefined> = {}) {
  const values = policyFormValues(policy);
  const fields: Record<string, string | undefined> = {
    algorithm: values.algorithm,
    rsa_modulus_bits: values.rsaModulusBits,
    rotation_period: values.durations.rotationPeriod.amount,
    rotation_period_unit: values.durations.rotationPeriod.unit,
    pre_publish_period: values.durations.prePublishPeriod.amount,
    pre_publish_period_unit: values.durations.prePublishPeriod.unit,
    grace_period: values.durations.gracePeriod.amount,
    grace_period_unit: values.durations.gracePeriod.unit,
    retention_period: values.durations.retentionPeriod.amount,
    retention_period_unit: values.durations.retentionPeriod.unit,
    max_token_ttl: values.durations.maxTokenTtl.amount,
    max_token_ttl_unit: values.durations.maxTokenTtl.unit,
    excess_ttl: values.excessTtl,
    auto_rotate: values.autoRotate ? 'on' : undefined,
    hold: values.hold ? 'on' : undefined,
    activation_min_share: values.minSharePercent,
    activation_max_delay: values.maxDelay.amount,
    activation_max_delay_unit: values.maxDelay.unit,
    ...overrides,
  };
  return (name: string) => fields[name];
}

describe('the policy form', () => {
  it('shows the policy in human units and reads it back unchanged', () => {
    expect(policyFormValues(CURRENT).durations.rotationPeriod).toEqual({ amount: '30', unit: 'days' });
    expect(policyFormValues(CURRENT).durations.prePublishPeriod).toEqual({ amount: '10', unit: 'minutes' });
    const change = readPolicyForm(formOf(CURRENT), CURRENT);
    expect(change).toEqual({ policy: CURRENT, updateMask: [], problems: [] });
  });

  it('names exactly the fields that changed', () => {
    const change = readPolicyForm(
      formOf(CURRENT, { grace_period: '2', grace_period_unit: 'days', auto_rotate: undefined }),
      CURRENT,
    );
    expect(change.updateMask).toEqual(['grace_period', 'auto_rotate']);
    expect(change.policy.gracePeriod).toEqual(d(2 * 86_400));
    expect(change.policy.autoRotate).toBe(false);
  });

  it('adds and removes an activation hold', () => {
    const held = readPolicyForm(
      formOf(CURRENT, {
        hold: 'on',
        activation_min_share: '75',
        activation_max_delay: '6',
        activation_max_delay_unit: 'hours',
      }),
      CURRENT,
    );
    expect(held.updateMask).toEqual(['activation_readiness']);
    expect(held.policy.activationReadiness).toEqual({ minShare: 0.75, maxDelay: d(21_600) });
    const removed = readPolicyForm(formOf(held.policy, { hold: undefined }), held.policy);
    expect(removed.updateMask).toEqual(['activation_readiness']);
    expect(removed.policy.activationReadiness).toBeUndefined();
  });

  it('gives RSA algorithms a modulus length and others none', () => {
    const rsa = readPolicyForm(formOf(CURRENT, { algorithm: 'PS256', rsa_modulus_bits: '3072' }), CURRENT);
    expect(rsa.policy.rsaModulusBits).toBe(3072);
    expect(rsa.updateMask).toEqual(['algorithm', 'rsa_modulus_bits']);
    expect(changedFields(rsa.policy, CURRENT)).toEqual(['algorithm', 'rsa_modulus_bits']);
  });

  it('stops what is not a duration or a share before asking Keyward, naming the field', () => {
    const change = readPolicyForm(
      formOf(CURRENT, { max_token_ttl: 'soon', hold: 'on', activation_min_share: '0' }),
      CURRENT,
    );
    expect(change.problems.map((problem) => problem.field)).toEqual(['max_token_ttl', 'activation_readiness']);
  });
});
