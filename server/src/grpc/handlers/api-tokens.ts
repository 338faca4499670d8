// CreateApiToken, ListApiTokens, RevokeApiToken and WhoAmI.
import type {
  CreateApiTokenRequest,
  CreateApiTokenResponse,
  ListApiTokensResponse,
  RevokeApiTokenRequest,
  RevokeApiTokenResponse,
  WhoAmIResponse,
} from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import type { ApiTokens } from '../../service/api-tokens.js';
import { wholeSeconds } from '../../service/policy-patch.js';
import { grantsFromWire, grantsToWire, toWireApiToken } from '../token-messages.js';

export async function createApiToken(
  tokens: ApiTokens,
  request: CreateApiTokenRequest,
  principal: Principal,
): Promise<CreateApiTokenResponse> {
  const { token, secret } = await tokens.create(
    {
      name: request.name,
      grants: grantsFromWire(request.grants),
      ttlSeconds: request.ttl === undefined ? undefined : wholeSeconds('ttl', request.ttl.seconds, request.ttl.nanos),
    },
    actorName(principal),
  );
  return { token: toWireApiToken(token), secret };
}

export async function listApiTokens(tokens: ApiTokens): Promise<ListApiTokensResponse> {
  return { tokens: (await tokens.list()).map(toWireApiToken) };
}

export async function revokeApiToken(
  tokens: ApiTokens,
  request: RevokeApiTokenRequest,
  principal: Principal,
): Promise<RevokeApiTokenResponse> {
  return { token: toWireApiToken(await tokens.revoke(request.id, request.reason, actorName(principal))) };
}

export function whoAmI(principal: Principal): WhoAmIResponse {
  return {
    principal: actorName(principal),
    grants: grantsToWire(principal.grants),
    expiresAt: principal.expiresAt ?? undefined,
  };
}
