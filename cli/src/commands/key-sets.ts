// keyward key-sets list | get <name> | create <name> --algorithm <alg> [...]

import {
  CreateKeySetRequest,
  CreateKeySetResponse,
  ExcessTtl,
  GetKeySetResponse,
  KidScheme,
  ListKeySetsResponse,
  type KeySet,
} from '@keyward/proto/keyward/v1';
import { quoteArg } from '../args.js';
import { describeDuration } from '../durations.js';
import { formatFields, formatTable, type Cell } from '../table.js';
import { present, printJson, type Command } from './command.js';
import { wholeList } from '../pages.js';

const list: Command = {
  path: ['key-sets', 'list'],
  args: [],
  options: {},
  summary: 'the key sets this token may read',
  prepare: () => async (context) => {
    const response = await wholeList('keySets', (page) => context.rpc.listKeySets(page));
    if (context.json) return printJson(context, ListKeySetsResponse.toJSON(response));
    context.out.stdout(
      formatTable(
        ['NAME', 'ALGORITHM', 'ACTIVE KID', 'CREATED', 'JWKS URI'],
        response.keySets.map((keySet) => [
          keySet.name,
          algorithmOf(keySet),
          keySet.activeKid,
          keySet.createdAt,
          keySet.jwksUri,
        ]),
      ),
    );
  },
};

const get: Command = {
  path: ['key-sets', 'get'],
  args: ['name'],
  options: {},
  summary: "a key set: its keys' algorithm, active kid, jwks_uri and policy",
  prepare: (input) => async (context) => {
    const response = await context.rpc.getKeySet({ keySet: input.arg('name') });
    if (context.json) return printJson(context, GetKeySetResponse.toJSON(response));
    context.out.stdout(formatFields(keySetFields(present(response.keySet, 'key set'))));
  },
};

const KID_SCHEMES: Readonly<Record<string, KidScheme>> = {
  thumbprint: KidScheme.KID_SCHEME_JWK_THUMBPRINT,
  random: KidScheme.KID_SCHEME_RANDOM,
};

const create: Command = {
  path: ['key-sets', 'create'],
  args: ['name'],
  options: {
    algorithm: {
      type: 'string',
      value: 'alg',
      help: 'RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA',
    },
    issuer: {
      type: 'string',
      value: 'url',
      help: "the issuer of its discovery document (default: from the service's public URL)",
    },
    'rsa-bits': { type: 'string', value: 'bits', help: 'RSA modulus length: 2048 (default), 3072 or 4096' },
    'kid-scheme': {
      type: 'string',
      value: 'thumbprint|random',
      help: 'how keys are named (default: the RFC 7638 thumbprint)',
    },
  },
  required: ['algorithm'],
  summary: 'create a key set and its first active key',
  prepare: (input) => {
    const bitsText = input.string('rsa-bits');
    let rsaModulusBits: number | undefined;
    if (bitsText !== undefined) {
      if (!/^\d{1,5}$/.test(bitsText))
        throw input.usageError(`--rsa-bits must be a number of bits (2048, 3072 or 4096), got ${quoteArg(bitsText)}`);
      rsaModulusBits = Number(bitsText);
    }
    const schemeText = input.string('kid-scheme');
    const kidScheme = schemeText === undefined ? KidScheme.KID_SCHEME_UNSPECIFIED : KID_SCHEMES[schemeText];
    if (kidScheme === undefined)
      throw input.usageError(`--kid-scheme must be thumbprint or random, got ${quoteArg(schemeText ?? '')}`);
    const issuer = input.string('issuer');
    const request = CreateKeySetRequest.fromPartial({
      keySet: input.arg('name'),
      algorithm: input.string('algorithm') ?? '',
      kidScheme,
      ...(issuer === undefined ? {} : { issuer }),
      ...(rsaModulusBits === undefined ? {} : { rsaModulusBits }),
    });
    return async (context) => {
      const response = await context.rpc.createKeySet(request);
      if (context.json) return printJson(context, CreateKeySetResponse.toJSON(response));
      context.out.stdout(formatFields(keySetFields(present(response.keySet, 'key set'))));
    };
  },
};

export const keySetCommands: readonly Command[] = [list, get, create];

function algorithmOf(keySet: KeySet): string {
  return keySet.rsaModulusBits > 0 ? `${keySet.algorithm} (${keySet.rsaModulusBits} bits)` : keySet.algorithm;
}

/** A key set and its policy as `field  value` lines. */
export function keySetFields(keySet: KeySet): [string, Cell][] {
  const policy = keySet.policy;
  const readiness = policy?.activationReadiness;
  return [
    ['name', keySet.name],
    ['algorithm', algorithmOf(keySet)],
    ['kid scheme', keySet.kidScheme === KidScheme.KID_SCHEME_RANDOM ? 'random' : 'thumbprint'],
    ['issuer', keySet.issuer],
    ['jwks uri', keySet.jwksUri],
    ['active kid', keySet.activeKid],
    ['created', keySet.createdAt],
    ['rotation period', describeDuration(policy?.rotationPeriod)],
    ['pre-publish', describeDuration(policy?.prePublishPeriod)],
    ['grace', describeDuration(policy?.gracePeriod)],
    ['retention', describeDuration(policy?.retentionPeriod)],
    ['max token ttl', describeDuration(policy?.maxTokenTtl)],
    ['excess ttl', policy?.excessTtl === ExcessTtl.EXCESS_TTL_CLAMP ? 'clamp' : 'refuse'],
    ['auto-rotate', policy?.autoRotate === false ? 'off' : 'on'],
    [
      'activation hold',
      readiness === undefined
        ? 'none'
        : `until ${Math.round(readiness.minShare * 1000) / 10}% of clients have the new key, at most ${describeDuration(readiness.maxDelay)} longer`,
    ],
  ];
}
