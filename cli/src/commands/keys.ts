// keyward keys list <key-set> | keys timeline <key-set>

import { GetKeyTimelineResponse, ListKeysResponse, type StateInterval } from '@keyward/proto/keyward/v1';
import { cellText, formatTable } from '../table.js';
import { printJson, stateName, stateSince, type Command } from './command.js';
import { wholeList } from '../pages.js';

const list: Command = {
  path: ['keys', 'list'],
  args: ['key-set'],
  options: {},
  summary: 'the keys of a key set, their states and since when',
  prepare: (input) => async (context) => {
    const response = await wholeList('keys', (page) => context.rpc.listKeys({ keySet: input.arg('key-set'), ...page }));
    if (context.json) return printJson(context, ListKeysResponse.toJSON(response));
    context.out.stdout(
      formatTable(
        ['KID', 'ALG', 'STATE', 'SINCE', 'CREATED', 'REVOCATION REASON'],
        response.keys.map((key) => [
          key.kid,
          key.alg,
          stateName(key.state),
          stateSince(key),
          key.createdAt,
          key.revocationReason,
        ]),
      ),
    );
  },
};

const timeline: Command = {
  path: ['keys', 'timeline'],
  args: ['key-set'],
  options: {},
  summary: "each key's state intervals, past and scheduled",
  prepare: (input) => async (context) => {
    const response = await context.rpc.getKeyTimeline({ keySet: input.arg('key-set') });
    if (context.json) return printJson(context, GetKeyTimelineResponse.toJSON(response));
    const now = response.now ?? new Date();
    const rows = response.keys.flatMap((key) =>
      key.intervals.map((interval) => [
        key.kid,
        key.alg,
        stateName(interval.state),
        interval.start,
        interval.end,
        when(interval, now),
      ]),
    );
    context.out.stdout(`as of ${cellText(now)}\n`);
    context.out.stdout(formatTable(['KID', 'ALG', 'STATE', 'FROM', 'UNTIL', 'WHEN'], rows));
  },
};

function when(interval: StateInterval, now: Date): string {
  if (interval.scheduled) return 'scheduled';
  const ended = interval.end !== undefined && interval.end.getTime() <= now.getTime();
  return ended ? 'past' : 'now';
}

export const keyCommands: readonly Command[] = [list, timeline];
