import type { KeyServiceServer, KeyServiceService } from '@keyward/proto/keyward/v1';
import type { handleUnaryCall } from '@grpc/grpc-js';
import { KeywardError } from '../errors.js';
import type { Principal } from './principal.js';
import { allows } from './scopes.js';
import type { Scope, Target } from '../model/grants.js';

export type KeyServiceMethod = keyof typeof KeyServiceService;

type RequestOf<M extends KeyServiceMethod> =
  KeyServiceServer[M] extends handleUnaryCall<infer Req, unknown> ? Req : never;

/** Looks up, for a permission check, which key set a key belongs to. */
export interface TargetLookup {
  keySetOfKid(kid: string): string | undefined;
}

/**
 * What one RPC needs: a scope on a target. `any` lets every authenticated principal in (the
 * handler then shows it only what its grants allow to read); `public` needs no principal at all
 * (Login, which is how a person gets one).
 */
export type Requirement<Req> =
  { readonly scope: Scope; readonly target: (request: Req, lookup: TargetLookup) => Target } | 'any' | 'public';

const keySet = (name: string): Target => ({ keySet: name });

/**
 * Every RPC's requirement, in one table the gRPC adapter reads. The mapped type makes an RPC
 * without an entry a compile error, and a test runs every RPC against every kind of principal.
 */
export const RPC_PERMISSIONS: { readonly [M in KeyServiceMethod]: Requirement<RequestOf<M>> } = {
  createKeySet: { scope: 'admin', target: (r) => keySet(r.keySet) },
  getKeySet: { scope: 'read', target: (r) => keySet(r.keySet) },
  listKeySets: 'any',
  sign: { scope: 'sign', target: (r) => keySet(r.keySet) },
  getJwks: { scope: 'read', target: (r) => keySet(r.keySet) },
  verify: { scope: 'verify', target: (r) => keySet(r.keySet) },
  verifyBatch: { scope: 'verify', target: (r) => keySet(r.keySet) },
  rotate: { scope: 'operate', target: (r) => keySet(r.keySet) },
  listKeys: { scope: 'read', target: (r) => keySet(r.keySet) },
  // An unknown kid is the service's business: only a service admin learns that it does not exist.
  revokeKey: { scope: 'operate', target: (r, lookup) => keySetOrService(lookup.keySetOfKid(r.kid)) },
  updateKeySetPolicy: { scope: 'admin', target: (r) => keySet(r.keySet) },
  listEvents: {
    scope: 'read',
    target: (r, lookup) =>
      keySetOrService(r.keySet !== '' ? r.keySet : r.kid !== '' ? lookup.keySetOfKid(r.kid) : undefined),
  },
  getKeyTimeline: { scope: 'read', target: (r) => keySet(r.keySet) },
  getRotationReadiness: { scope: 'read', target: (r) => keySet(r.keySet) },
  createApiToken: { scope: 'admin', target: () => 'service' },
  listApiTokens: { scope: 'admin', target: () => 'service' },
  revokeApiToken: { scope: 'admin', target: () => 'service' },
  whoAmI: 'any',
  rewrapKeys: { scope: 'admin', target: () => 'service' },
  createUser: { scope: 'admin', target: () => 'service' },
  listUsers: { scope: 'admin', target: () => 'service' },
  setUserRole: { scope: 'admin', target: () => 'service' },
  disableUser: { scope: 'admin', target: () => 'service' },
  login: 'public',
  logout: 'any',
  // The HTTP door (POST /v1/verification-failures) checks this same row.
  reportVerificationFailures: { scope: 'report', target: (r) => keySet(r.keySet) },
  getVerificationStats: { scope: 'read', target: (r) => keySet(r.keySet) },
  diagnoseVerificationFailures: { scope: 'read', target: (r) => keySet(r.keySet) },
  getSignatureStats: { scope: 'read', target: (r) => keySet(r.keySet) },
};

function keySetOrService(name: string | undefined): Target {
  return name === undefined ? 'service' : keySet(name);
}

export function authorize<M extends KeyServiceMethod>(
  method: M,
  principal: Principal,
  request: RequestOf<M>,
  lookup: TargetLookup,
): void {
  const requirement = RPC_PERMISSIONS[method];
  if (requirement === 'any' || requirement === 'public') return;
  const target = requirement.target(request, lookup);
  if (!allows(principal.grants, requirement.scope, target)) {
    const what = target === 'service' ? 'the service' : `key set "${target.keySet}"`;
    throw new KeywardError('PERMISSION_DENIED', `this token has no ${requirement.scope} scope on ${what}`);
  }
}
