// Translation of API tokens and grants to and from the keyward.v1 wire messages.
import { Scope as WireScope, type ApiToken, type Grant as WireGrant } from '@keyward/proto/keyward/v1';
import type { Grant, Scope } from '../model/grants.js';
import { invalidArgument } from '../errors.js';
import type { ApiTokenRecord } from '../model/api-token.js';

const WIRE_SCOPES: Readonly<Record<Scope, WireScope>> = {
  sign: WireScope.SCOPE_SIGN,
  verify: WireScope.SCOPE_VERIFY,
  decrypt: WireScope.SCOPE_DECRYPT,
  read: WireScope.SCOPE_READ,
  operate: WireScope.SCOPE_OPERATE,
  admin: WireScope.SCOPE_ADMIN,
  report: WireScope.SCOPE_REPORT,
};

const SCOPES_BY_WIRE = new Map<WireScope, Scope>(
  Object.entries(WIRE_SCOPES).map(([scope, wire]) => [wire, scope as Scope]),
);

export function grantsFromWire(grants: readonly WireGrant[]): Grant[] {
  return grants.map((grant, index) => ({
    keySet: grant.keySet,
    scopes: grant.scopes.map((wire) => {
      const scope = SCOPES_BY_WIRE.get(wire);
      if (scope === undefined) throw invalidArgument(`grants[${index}].scopes`, 'holds an unknown scope');
      return scope;
    }),
  }));
}

export function grantsToWire(grants: readonly Grant[]): WireGrant[] {
  return grants.map((grant) => ({ keySet: grant.keySet, scopes: grant.scopes.map((scope) => WIRE_SCOPES[scope]) }));
}

export function toWireApiToken(token: ApiTokenRecord): ApiToken {
  return {
    id: token.id,
    name: token.name,
    grants: grantsToWire(token.grants),
    createdAt: token.createdAt,
    expiresAt: token.expiresAt ?? undefined,
    revokedAt: token.revokedAt ?? undefined,
    lastUsedAt: token.lastUsedAt ?? undefined,
    createdBy: token.createdBy ?? '',
  };
}
