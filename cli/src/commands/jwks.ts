// keyward jwks <key-set>: the public JWKS exactly as the gateway serves it (same bytes), its ETag
// on standard error so that standard output is the document alone.

import { GetJWKSResponse } from '@keyward/proto/keyward/v1';
import { printJson, type Command } from './command.js';

const jwks: Command = {
  path: ['jwks'],
  args: ['key-set'],
  options: {},
  summary: 'the public JWKS exactly as served (ETag on standard error)',
  prepare: (input) => async (context) => {
    const response = await context.rpc.getJwks({ keySet: input.arg('key-set') });
    if (context.json) return printJson(context, GetJWKSResponse.toJSON(response));
    // The served bytes exactly; a newline only for a terminal, whose prompt would follow otherwise.
    context.out.stdout(context.interactive ? `${response.jwksJson}\n` : response.jwksJson);
    context.out.stderr(`ETag: ${response.etag}\n`);
  },
};

export const jwksCommands: readonly Command[] = [jwks];
