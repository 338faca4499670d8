// keyward events [--key-set <name>] [--kid <kid>] [--actor <actor>] [--type <type>] [--limit <n>]:
// the audit trail, newest first,
// following next_page_token until the limit.

import { ListEventsResponse, type Event } from '@keyward/proto/keyward/v1';
import { quoteArg } from '../args.js';
import { formatTable } from '../table.js';
import { printJson, type Command } from './command.js';
import { MAX_PAGE_SIZE } from '../pages.js';

export const DEFAULT_EVENT_LIMIT = 50;
const MAX_EVENT_LIMIT = 100_000;

const events: Command = {
  path: ['events'],
  args: [],
  options: {
    'key-set': { type: 'string', value: 'name', help: "only this key set's events" },
    kid: { type: 'string', value: 'kid', help: "only this key's events" },
    actor: { type: 'string', value: 'actor', help: "only this actor's events, e.g. user:alice" },
    type: { type: 'string', value: 'type', help: 'only events of this type, e.g. key.rotation_requested' },
    limit: { type: 'string', value: 'n', help: `at most this many events (default ${DEFAULT_EVENT_LIMIT})` },
  },
  summary: 'the audit trail, newest first: every transition and admin action, its actor and reason',
  prepare: (input) => {
    const limitText = input.string('limit');
    const limit = limitText === undefined ? DEFAULT_EVENT_LIMIT : Number(limitText);
    if (limitText !== undefined && (!/^\d{1,6}$/.test(limitText) || limit < 1 || limit > MAX_EVENT_LIMIT)) {
      throw input.usageError(`--limit must be a whole number from 1 to ${MAX_EVENT_LIMIT}, got ${quoteArg(limitText)}`);
    }
    const keySet = input.string('key-set') ?? '';
    const kid = input.string('kid') ?? '';
    const actor = input.string('actor');
    const type = input.string('type');
    return async (context) => {
      const collected: Event[] = [];
      let pageToken = '';
      let more: boolean;
      do {
        const pageSize = Math.min(limit - collected.length, MAX_PAGE_SIZE);
        const page = await context.rpc.listEvents({ keySet, kid, actor, type, pageSize, pageToken });
        collected.push(...page.events.slice(0, limit - collected.length));
        pageToken = page.nextPageToken;
        more = pageToken !== '';
        if (page.events.length === 0) break;
      } while (more && collected.length < limit);

      if (context.json) return printJson(context, ListEventsResponse.toJSON({ events: collected, nextPageToken: '' }));
      context.out.stdout(
        formatTable(
          ['ID', 'TIME', 'TYPE', 'OUTCOME', 'KEY SET', 'KID', 'ACTOR', 'REASON'],
          collected.map((event) => [
            event.id,
            event.createdAt,
            event.type,
            event.outcome,
            event.keySet,
            event.kid,
            event.actor,
            event.reason,
          ]),
        ),
      );
      if (more && collected.length >= limit)
        context.out.stderr(`(more events: the first ${limit} are shown; raise --limit)\n`);
    };
  },
};

export const eventCommands: readonly Command[] = [events];
