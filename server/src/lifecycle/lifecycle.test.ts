import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { planImmediateRotation, type KeyFacts } from './rotation.js';
import { canSign, isPublished, KEY_STATES, type KeyState } from './states.js';
import { assertTransition, isAllowedTransition } from './transitions.js';

describe('transitions', () => {
  it('never leaves DESTROYED and never returns a REVOKED key to a published state', () => {
    for (const to of KEY_STATES) {
      expect(isAllowedTransition('DESTROYED', to)).toBe(false);
      if (isPublished(to)) expect(isAllowedTransition('REVOKED', to)).toBe(false);
    }
  });

  it('lets every live state be revoked', () => {
    for (const from of ['PENDING', 'ACTIVE', 'RETIRED'] as const) expect(isAllowedTransition(from, 'REVOKED')).toBe(true);
  });

  it('refuses an illegal move with FAILED_PRECONDITION naming the key', () => {
    expect(() => assertTransition('k1', 'RETIRED', 'ACTIVE')).toThrow(
      new KeywardError('FAILED_PRECONDITION', 'key k1 is RETIRED and cannot become ACTIVE'),
    );
  });

  it('only ACTIVE signs, and only PENDING, ACTIVE and RETIRED are published', () => {
    expect(KEY_STATES.filter(canSign)).toEqual(['ACTIVE']);
    expect(KEY_STATES.filter(isPublished)).toEqual(['PENDING', 'ACTIVE', 'RETIRED']);
  });

  it('reaches DESTROYED from every state but DESTROYED itself, following allowed moves', () => {
    const reaches = (from: KeyState, seen = new Set<KeyState>()): boolean =>
      from === 'DESTROYED' ||
      KEY_STATES.some((to) => isAllowedTransition(from, to) && !seen.has(to) && reaches(to, new Set([...seen, to])));
    for (const state of KEY_STATES) expect(reaches(state)).toBe(true);
  });
});

describe('planImmediateRotation', () => {
  /** Applies a plan the way the store does: transitions first, then the new key. */
  function apply(keys: KeyFacts[], kid: string, now: Date): { keys: KeyFacts[]; previousKid: string | undefined } {
    const plan = planImmediateRotation(keys, 'sig', now);
    const next = keys.map((key) => {
      const change = plan.transitions.find((transition) => transition.kid === key.kid);
      if (change === undefined) return key;
      expect(change.from).toBe(key.state);
      expect(isAllowedTransition(change.from, change.to)).toBe(true);
      return { ...key, state: change.to };
    });
    return { keys: [...next, { kid, use: 'sig', state: plan.newKeyState }], previousKid: plan.previousKid };
  }

  it('keeps exactly one ACTIVE key and every earlier signer published, over any number of rotations', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.date({ noInvalidDate: true }), (rotations, now) => {
        let keys: KeyFacts[] = [];
        const signers: string[] = [];
        for (let i = 0; i < rotations; i += 1) {
          const result = apply(keys, `k${i}`, now);
          expect(result.previousKid).toBe(signers.at(-1));
          keys = result.keys;
          signers.push(`k${i}`);
          expect(keys.filter((key) => key.state === 'ACTIVE').map((key) => key.kid)).toEqual([`k${i}`]);
          // No client can meet a token whose kid is unpublished: every signer so far is published.
          for (const kid of signers) expect(isPublished(keys.find((key) => key.kid === kid)!.state)).toBe(true);
        }
      }),
    );
  });

  it('leaves keys of another use alone', () => {
    const keys: KeyFacts[] = [
      { kid: 'sig-1', use: 'sig', state: 'ACTIVE' },
      { kid: 'enc-1', use: 'enc', state: 'ACTIVE' },
    ];
    const plan = planImmediateRotation(keys, 'sig', new Date(0));
    expect(plan.transitions.map((transition) => transition.kid)).toEqual(['sig-1']);
  });

  it('refuses to guess when the data already holds two signers', () => {
    const keys: KeyFacts[] = [
      { kid: 'a', use: 'sig', state: 'ACTIVE' },
      { kid: 'b', use: 'sig', state: 'ACTIVE' },
    ];
    expect(() => planImmediateRotation(keys, 'sig', new Date(0))).toThrow(/2 active sig keys/);
  });
});
