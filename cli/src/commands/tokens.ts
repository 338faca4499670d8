// keyward tokens list | tokens create <name> --grant <key-set:scopes>... [--ttl 30d]
//   | tokens revoke <id> --reason <text>
// A new token's secret is printed once, here, and never again: Keyward keeps only its hash.

import {
  CreateApiTokenResponse,
  ListApiTokensResponse,
  RevokeApiTokenResponse,
  type ApiToken,
  type Grant,
} from '@keyward/proto/keyward/v1';
import { parseDuration, toProtoDuration } from '../durations.js';
import { formatFields, formatTable, type Cell } from '../table.js';
import { formatGrants, parseGrant, present, printJson, SCOPE_NAMES, type Command } from './command.js';
import { REASON_OPTION, reasonOf } from './rotation.js';
import { wholeList } from '../pages.js';

export const SECRET_NOTICE = 'Store the secret now: it is not shown again (Keyward keeps only its hash).';

const list: Command = {
  path: ['tokens', 'list'],
  args: [],
  options: {},
  summary: "every API token's metadata (never a secret)",
  prepare: () => async (context) => {
    const response = await wholeList('tokens', (page) => context.rpc.listApiTokens(page));
    if (context.json) return printJson(context, ListApiTokensResponse.toJSON(response));
    const now = new Date();
    context.out.stdout(
      formatTable(
        ['ID', 'NAME', 'GRANTS', 'STATUS', 'CREATED', 'EXPIRES', 'LAST USED', 'CREATED BY'],
        response.tokens.map((token) => [
          token.id,
          token.name,
          formatGrants(token.grants),
          status(token, now),
          token.createdAt,
          token.expiresAt ?? 'never',
          token.lastUsedAt,
          token.createdBy,
        ]),
      ),
    );
  },
};

const create: Command = {
  path: ['tokens', 'create'],
  args: ['name'],
  options: {
    grant: {
      type: 'string',
      multiple: true,
      value: 'key-set:scope,...',
      help: `scopes on a key set, e.g. payments:sign,read or *:admin (scopes: ${SCOPE_NAMES.join(', ')}); repeatable`,
    },
    ttl: { type: 'string', value: 'duration', help: 'lifetime, e.g. 30d (default: does not expire)' },
  },
  required: ['grant'],
  summary: 'create an API token; its secret is printed this once',
  prepare: (input) => {
    const grants: Grant[] = input.strings('grant').map((text) => {
      const grant = parseGrant(text);
      if (typeof grant === 'string') throw input.usageError(grant);
      return grant;
    });
    const ttlText = input.string('ttl');
    const ttl = ttlText === undefined ? undefined : toProtoDuration(parseDuration(ttlText, '--ttl'));
    const request = { name: input.arg('name'), grants, ...(ttl === undefined ? {} : { ttl }) };
    return async (context) => {
      const response = await context.rpc.createApiToken(request);
      if (context.json) {
        printJson(context, CreateApiTokenResponse.toJSON(response));
        context.out.stderr(`${SECRET_NOTICE}\n`);
        return;
      }
      const token = present(response.token, 'token');
      context.out.stdout(formatFields([...tokenFields(token), ['secret', response.secret]]));
      context.out.stdout(`\n${SECRET_NOTICE}\n`);
    };
  },
};

const revoke: Command = {
  path: ['tokens', 'revoke'],
  args: ['id'],
  options: { reason: REASON_OPTION },
  required: ['reason'],
  summary: 'revoke an API token at once, on every replica',
  prepare: (input) => {
    const request = { id: input.arg('id'), reason: reasonOf(input) };
    return async (context) => {
      const response = await context.rpc.revokeApiToken(request);
      if (context.json) return printJson(context, RevokeApiTokenResponse.toJSON(response));
      context.out.stdout(formatFields(tokenFields(present(response.token, 'token'))));
    };
  },
};

function status(token: ApiToken, now: Date): string {
  if (token.revokedAt !== undefined) return 'revoked';
  if (token.expiresAt !== undefined && token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

function tokenFields(token: ApiToken): [string, Cell][] {
  return [
    ['id', token.id],
    ['name', token.name],
    ['grants', formatGrants(token.grants)],
    ['status', status(token, new Date())],
    ['created', token.createdAt],
    ['created by', token.createdBy],
    ['expires', token.expiresAt ?? 'never'],
    ...(token.revokedAt === undefined ? [] : [['revoked', token.revokedAt] as [string, Cell]]),
  ];
}

export const tokenCommands: readonly Command[] = [list, create, revoke];
