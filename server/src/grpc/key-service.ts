import type { KeyServiceServer } from '@keyward/proto/keyward/v1';
import type { Pager } from '../paging/pager.js';
import type { ApiTokens } from '../service/api-tokens.js';
import type { KeyManager } from '../service/key-manager.js';
import type { RewrapOutcome } from '../service/rewrap.js';
import type { Staff } from '../service/staff.js';
import type { FailureIntake } from '../reports/failure-reports.js';
import type { FailureStore } from '../store/failure-store.js';
import type { Verifier } from '../service/verifier.js';
import type { KeyStore } from '../store/key-store.js';
import type { SignatureStore } from '../store/signature-store.js';
import { createApiToken, listApiTokens, revokeApiToken, whoAmI } from './handlers/api-tokens.js';
import { createKeySet } from './handlers/create-key-set.js';
import { diagnoseVerificationFailures } from './handlers/diagnose-verification-failures.js';
import { getJwks } from './handlers/get-jwks.js';
import { getKeySet } from './handlers/get-key-set.js';
import { getKeyTimeline } from './handlers/get-key-timeline.js';
import { getRotationReadiness } from './handlers/get-rotation-readiness.js';
import { getSignatureStats } from './handlers/get-signature-stats.js';
import { listEvents } from './handlers/list-events.js';
import { listKeySets } from './handlers/list-key-sets.js';
import { listKeys } from './handlers/list-keys.js';
import { revokeKey } from './handlers/revoke-key.js';
import { rewrapKeys } from './handlers/rewrap-keys.js';
import { rotate } from './handlers/rotate.js';
import { sign } from './handlers/sign.js';
import { getVerificationStats, reportVerificationFailures } from './handlers/verification-failures.js';
import { updateKeySetPolicy } from './handlers/update-key-set-policy.js';
import { verify, verifyBatch } from './handlers/verify.js';
import { createUser, disableUser, listUsers, login, logout, setUserRole } from './handlers/users.js';
import { publicUnary, unary, type RpcContext } from './unary.js';

export interface KeyServiceDeps {
  readonly manager: KeyManager;
  readonly verifier: Verifier;
  readonly staff: Staff;
  readonly rewrap: (actor: string) => Promise<RewrapOutcome>;
  readonly tokens: ApiTokens;
  readonly store: KeyStore & FailureStore & SignatureStore;
  /** Where reported verification failures are counted. */
  readonly failures: FailureIntake;
  readonly publicUrl: string;
  /** Page tokens for every List RPC. */
  readonly pager: Pager;
}

/** keyward.v1.KeyService: each RPC is its handler behind the shared auth-and-errors adapter. */
export function keyService(deps: KeyServiceDeps, context: RpcContext): KeyServiceServer {
  const { manager, verifier, staff, tokens, store, publicUrl, rewrap, pager, failures } = deps;
  return {
    createKeySet: unary('createKeySet', context, (request, principal, deadline) =>
      createKeySet(manager, publicUrl, request, principal, deadline),
    ),
    getKeySet: unary('getKeySet', context, (request) => getKeySet(manager, publicUrl, request)),
    listKeySets: unary('listKeySets', context, (request, principal) =>
      listKeySets(manager, pager, publicUrl, request, principal),
    ),
    sign: unary('sign', context, (request) => sign(manager, request)),
    getJwks: unary('getJwks', context, (request) => getJwks(manager, request)),
    verify: unary('verify', context, (request) => verify(verifier, request)),
    verifyBatch: unary('verifyBatch', context, (request) => verifyBatch(verifier, request)),
    rotate: unary('rotate', context, (request, principal, deadline) => rotate(manager, request, principal, deadline)),
    listKeys: unary('listKeys', context, (request) => listKeys(manager, pager, request)),
    revokeKey: unary('revokeKey', context, (request, principal, deadline) =>
      revokeKey(manager, request, principal, deadline),
    ),
    updateKeySetPolicy: unary('updateKeySetPolicy', context, (request, principal) =>
      updateKeySetPolicy(manager, publicUrl, request, principal),
    ),
    listEvents: unary('listEvents', context, (request) => listEvents(store, pager, request)),
    getKeyTimeline: unary('getKeyTimeline', context, (request) => getKeyTimeline(manager, request)),
    getRotationReadiness: unary('getRotationReadiness', context, (request) => getRotationReadiness(manager, request)),
    createApiToken: unary('createApiToken', context, (request, principal) =>
      createApiToken(tokens, request, principal),
    ),
    listApiTokens: unary('listApiTokens', context, (request) => listApiTokens(tokens, pager, request)),
    revokeApiToken: unary('revokeApiToken', context, (request, principal) =>
      revokeApiToken(tokens, request, principal),
    ),
    whoAmI: unary('whoAmI', context, (_request, principal) => whoAmI(principal)),
    rewrapKeys: unary('rewrapKeys', context, (_request, principal) => rewrapKeys(rewrap, principal)),
    createUser: unary('createUser', context, (request, principal) => createUser(staff, request, principal)),
    listUsers: unary('listUsers', context, (request) => listUsers(staff, pager, request)),
    setUserRole: unary('setUserRole', context, (request, principal) => setUserRole(staff, request, principal)),
    disableUser: unary('disableUser', context, (request, principal) => disableUser(staff, request, principal)),
    login: publicUnary('login', context, (request, deadline) => login(staff, request, deadline)),
    logout: unary('logout', context, (_request, principal) => logout(staff, principal)),
    reportVerificationFailures: unary('reportVerificationFailures', context, (request, principal) =>
      reportVerificationFailures(failures, request, principal, context.clock()),
    ),
    getVerificationStats: unary('getVerificationStats', context, (request) =>
      getVerificationStats(manager, store, request),
    ),
    diagnoseVerificationFailures: unary('diagnoseVerificationFailures', context, (request) =>
      diagnoseVerificationFailures(manager, store, request),
    ),
    getSignatureStats: unary('getSignatureStats', context, (request) => getSignatureStats(manager, store, request)),
  };
}
