// Small builders for lifecycle tests: a fixed clock origin, keys with only the facts a test cares
// about, and a policy whose periods are short and distinct so expected dates are easy to read.

import { addSeconds, UNTOUCHED_KEY, type KeyFacts, type KeySetFacts } from '../facts.js';
import type { KeySetPolicy, PolicyContext } from '../policy.js';

/** 2030-01-01T00:00:00Z: every test date is T0 plus whole seconds. */
export const T0 = new Date('2030-01-01T00:00:00.000Z');

export function t(seconds: number): Date {
  return addSeconds(T0, seconds);
}

/** max-age 300 s + stale-while-revalidate 60 s: clients may cache the JWKS for 360 s. */
export const CONTEXT: PolicyContext = { jwksMaxAgeSeconds: 300, staleWhileRevalidateSeconds: 60 };

/**
 * A valid policy under CONTEXT: pre-publish 600 s (10 min), rotation 3 600 s (1 h), grace 7 200 s
 * (2 h), retention 86 400 s (1 day), max token ttl 3 600 s.
 */
export const POLICY: KeySetPolicy = {
  algorithm: 'ES256',
  rsaModulusBits: null,
  rotationPeriodSeconds: 3_600,
  prePublishPeriodSeconds: 600,
  gracePeriodSeconds: 7_200,
  retentionPeriodSeconds: 86_400,
  maxTokenTtlSeconds: 3_600,
  excessTtl: 'refuse',
  autoRotate: true,
  activationReadiness: null,
};

export function policy(overrides: Partial<KeySetPolicy> = {}): KeySetPolicy {
  return { ...POLICY, ...overrides };
}

/** A sig key with no timestamps but createdAt (T0) unless given. */
export function key(
  kid: string,
  state: KeyFacts['state'],
  fields: Partial<Omit<KeyFacts, 'kid' | 'state'>> = {},
): KeyFacts {
  return { kid, use: 'sig', state, createdAt: T0, ...UNTOUCHED_KEY, ...fields };
}

export function keySet(keys: readonly KeyFacts[], overrides: Partial<KeySetPolicy> = {}): KeySetFacts {
  return { policy: policy(overrides), keys };
}
