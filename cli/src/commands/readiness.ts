// keyward readiness <key-set>: how many of the clients seen fetching the JWKS hold the pending key.

import { GetRotationReadinessResponse } from '@keyward/proto/keyward/v1';
import { describeDuration } from '../durations.js';
import { formatFields } from '../table.js';
import { printJson, type Command } from './command.js';

const readiness: Command = {
  path: ['readiness'],
  args: ['key-set'],
  options: {},
  summary: 'how many recently seen JWKS clients already hold the pending key',
  prepare: (input) => async (context) => {
    const response = await context.rpc.getRotationReadiness({ keySet: input.arg('key-set') });
    if (context.json) return printJson(context, GetRotationReadinessResponse.toJSON(response));
    const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
    context.out.stdout(
      formatFields([
        ['pending kid', response.pendingKid === '' ? 'none (no rotation under way)' : response.pendingKid],
        ['window', describeDuration(response.window)],
        ['clients seen', response.clientsSeen],
        ['with pending key', response.clientsWithPendingKey],
        ['share', percent(response.share)],
        ['activation hold', response.minShare > 0 ? percent(response.minShare) : 'none'],
        ['eligible at', response.eligibleAt],
        ['deadline', response.deadline],
      ]),
    );
  },
};

export const readinessCommands: readonly Command[] = [readiness];
