// keyward rewrap: re-wrap every data key under the newest master key (master-key rotation).

import { RewrapKeysResponse } from '@keyward/proto/keyward/v1';
import { formatFields } from '../table.js';
import { printJson, type Command } from './command.js';

const rewrap: Command = {
  path: ['rewrap'],
  args: [],
  options: {},
  summary: 're-wrap every stored data key under the newest master key (safe to run again)',
  prepare: () => async (context) => {
    const response = await context.rpc.rewrapKeys({});
    if (context.json) return printJson(context, RewrapKeysResponse.toJSON(response));
    context.out.stdout(
      formatFields([
        ['rewrapped', String(response.rewrapped)],
        ['remaining', String(response.remaining)],
        ['master key', response.masterKeyId],
      ]),
    );
  },
};

export const rewrapCommands: readonly Command[] = [rewrap];
