import { invalidArgument } from '../errors.js';
import { EVERY_KEY_SET, SCOPES, type Grant, type Scope, type Target } from '../model/grants.js';
import { isKeySetName } from '../model/names.js';

/**
 * Whether grants allow `scope` on `target`. `admin` on a key set allows everything on it; the
 * service itself is only reachable through an `admin` grant on "*".
 */
export function allows(grants: readonly Grant[], scope: Scope, target: Target): boolean {
  return grants.some((grant) => {
    if (target === 'service') return grant.keySet === EVERY_KEY_SET && grant.scopes.includes('admin');
    const covers = grant.keySet === EVERY_KEY_SET || grant.keySet === target.keySet;
    return covers && (grant.scopes.includes(scope) || grant.scopes.includes('admin'));
  });
}

/** Grants as requested: names checked, scopes deduplicated, "*" reserved for admin grants. */
export function validateGrants(grants: readonly Grant[]): Grant[] {
  if (grants.length === 0) throw invalidArgument('grants', 'must give at least one scope on one key set');
  const byKeySet = new Map<string, Set<Scope>>();
  grants.forEach((grant, index) => {
    const field = `grants[${index}]`;
    if (grant.keySet !== EVERY_KEY_SET && !isKeySetName(grant.keySet)) {
      throw invalidArgument(`${field}.key_set`, 'must be a key set name or "*"');
    }
    if (grant.scopes.length === 0) throw invalidArgument(`${field}.scopes`, 'must name at least one scope');
    if (grant.keySet === EVERY_KEY_SET && grant.scopes.some((scope) => scope !== 'admin')) {
      throw invalidArgument(`${field}.key_set`, '"*" is only allowed for the admin scope');
    }
    const scopes = byKeySet.get(grant.keySet) ?? new Set<Scope>();
    for (const scope of grant.scopes) scopes.add(scope);
    byKeySet.set(grant.keySet, scopes);
  });
  return [...byKeySet].map(([keySet, scopes]) => ({ keySet, scopes: SCOPES.filter((scope) => scopes.has(scope)) }));
}
