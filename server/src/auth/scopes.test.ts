import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allows, validateGrants } from './scopes.js';
import { SCOPES, type Grant, type Scope } from '../model/grants.js';

describe('allows', () => {
  const grants: Grant[] = [
    { keySet: 'payments', scopes: ['sign'] },
    { keySet: 'orders', scopes: ['admin'] },
  ];

  it('grants exactly the scopes given, on exactly the key set given', () => {
    expect(allows(grants, 'sign', { keySet: 'payments' })).toBe(true);
    expect(allows(grants, 'read', { keySet: 'payments' })).toBe(false);
    expect(allows(grants, 'sign', { keySet: 'payment' })).toBe(false);
  });

  it('lets admin on a key set do everything there, but not reach the service', () => {
    for (const scope of SCOPES) expect(allows(grants, scope, { keySet: 'orders' })).toBe(true);
    expect(allows(grants, 'admin', 'service')).toBe(false);
  });

  it('lets only an admin grant on "*" reach every key set and the service', () => {
    const root: Grant[] = [{ keySet: '*', scopes: ['admin'] }];
    expect(allows(root, 'sign', { keySet: 'anything' })).toBe(true);
    expect(allows(root, 'admin', 'service')).toBe(true);
  });

  it('never grants more than some grant names (property)', () => {
    const scope = fc.constantFrom(...SCOPES);
    const name = fc.constantFrom('a', 'b', 'c');
    fc.assert(
      fc.property(
        fc.array(fc.record({ keySet: name, scopes: fc.array(scope, { maxLength: 3 }) })),
        scope,
        name,
        (given, wanted, keySet) => {
          const expected = given.some(
            (g) => g.keySet === keySet && (g.scopes.includes(wanted) || g.scopes.includes('admin')),
          );
          expect(allows(given, wanted, { keySet })).toBe(expected);
        },
      ),
    );
  });
});

describe('validateGrants', () => {
  it('merges grants per key set and orders scopes', () => {
    expect(
      validateGrants([
        { keySet: 'a', scopes: ['read', 'sign'] },
        { keySet: 'a', scopes: ['sign', 'report'] },
      ]),
    ).toEqual([{ keySet: 'a', scopes: ['sign', 'read', 'report'] as Scope[] }]);
  });

  it.each([
    [[], 'grants: must give at least one scope on one key set'],
    [[{ keySet: 'Bad', scopes: ['read'] }], 'grants[0].key_set: must be a key set name or "*"'],
    [[{ keySet: 'a', scopes: [] }], 'grants[0].scopes: must name at least one scope'],
    [[{ keySet: '*', scopes: ['read'] }], 'grants[0].key_set: "*" is only allowed for the admin scope'],
  ] as [Grant[], string][])('refuses %j', (grants, message) => {
    expect(() => validateGrants(grants)).toThrow(message);
  });
});
