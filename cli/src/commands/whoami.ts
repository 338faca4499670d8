// keyward whoami: the caller's principal and grants.

import { WhoAmIResponse } from '@keyward/proto/keyward/v1';
import { formatFields } from '../table.js';
import { formatGrants, printJson, type Command } from './command.js';

const whoami: Command = {
  path: ['whoami'],
  args: [],
  options: {},
  summary: 'who this token is and what it may do',
  prepare: () => async (context) => {
    const response = await context.rpc.whoAmI({});
    if (context.json) return printJson(context, WhoAmIResponse.toJSON(response));
    context.out.stdout(
      formatFields([
        ['principal', response.principal],
        ['grants', formatGrants(response.grants)],
        ['expires', response.expiresAt ?? 'never'],
      ]),
    );
  },
};

export const whoamiCommands: readonly Command[] = [whoami];
