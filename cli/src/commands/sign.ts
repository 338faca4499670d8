// keyward sign <key-set> --claims '{"sub":"x"}' [--typ at+jwt]: prints the JWS (JWT) alone.

import { SignResponse } from '@keyward/proto/keyward/v1';
import { printJson, type Command } from './command.js';

const sign: Command = {
  path: ['sign'],
  args: ['key-set'],
  options: {
    claims: { type: 'string', value: 'json', help: 'the JWT claims, a JSON object (iat is added when absent)' },
    typ: { type: 'string', value: 'typ', help: 'the typ header (default JWT)' },
  },
  required: ['claims'],
  summary: "sign claims as a JWT with the key set's active key; prints the JWS",
  prepare: (input) => {
    const claimsJson = input.string('claims') ?? '';
    let claims: unknown;
    try {
      claims = JSON.parse(claimsJson);
    } catch {
      throw input.usageError('--claims must be a JSON object, e.g. \'{"sub":"alice"}\' (it is not valid JSON)');
    }
    if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
      throw input.usageError('--claims must be a JSON object, e.g. \'{"sub":"alice"}\'');
    }
    const typ = input.string('typ');
    const request = { keySet: input.arg('key-set'), claimsJson, ...(typ === undefined ? {} : { typ }) };
    return async (context) => {
      const response = await context.rpc.sign(request);
      if (context.json) return printJson(context, SignResponse.toJSON(response));
      context.out.stdout(`${response.jws}\n`);
    };
  },
};

export const signCommands: readonly Command[] = [sign];
