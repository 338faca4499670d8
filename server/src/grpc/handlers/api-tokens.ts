// CreateApiToken, ListApiTokens, RevokeApiToken and WhoAmI.
import type {
  CreateApiTokenRequest,
  CreateApiTokenResponse,
  ListApiTokensRequest,
  ListApiTokensResponse,
  RevokeApiTokenRequest,
  RevokeApiTokenResponse,
  WhoAmIResponse,
} from '@keyward/proto/keyward/v1';
import { actorName, type Principal } from '../../auth/principal.js';
import { oldestFirst, type CreationPosition, type Listing, type Pager } from '../../paging/pager.js';
import type { ApiTokens } from '../../service/api-tokens.js';
import { wholeSeconds } from '../../service/policy-patch.js';
import type { ApiTokenRecord } from '../../model/api-token.js';
import { grantsFromWire, grantsToWire, toWireApiToken } from '../token-messages.js';

const API_TOKENS: Listing<ApiTokenRecord, CreationPosition> = {
  scope: ['ListApiTokens'],
  order: oldestFirst,
  positionOf: ({ createdAt, id }) => ({ createdAt, id }),
};

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

export async function listApiTokens(
  tokens: ApiTokens,
  pager: Pager,
  request: ListApiTokensRequest,
): Promise<ListApiTokensResponse> {
  const page = await pager.page(request, API_TOKENS, (query) => tokens.list(query));
  return { tokens: page.items.map(toWireApiToken), nextPageToken: page.nextPageToken };
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
