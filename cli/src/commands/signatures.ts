// keyward signatures <key-set> [--kid <kid>] [--since 24h]: how many signatures each key made
// lately (GetSignatureStats, asked for one step covering the whole range).

import { GetSignatureStatsResponse } from '@keyward/proto/keyward/v1';
import { parseDuration } from '../durations.js';
import { formatTable } from '../table.js';
import { printJson, type Command } from './command.js';

const DEFAULT_SINCE_SECONDS = 86_400;

const signatures: Command = {
  path: ['signatures'],
  args: ['key-set'],
  options: {
    kid: { type: 'string', value: 'kid', help: 'only this key' },
    since: { type: 'string', value: 'duration', help: 'how far back to look (default 24h)' },
  },
  summary: 'signatures per key, counted by the service (written every few seconds)',
  prepare: (input) => {
    const sinceText = input.string('since');
    const since = sinceText === undefined ? DEFAULT_SINCE_SECONDS : parseDuration(sinceText, '--since');
    const keySet = input.arg('key-set');
    const kid = input.string('kid') ?? '';
    return async (context) => {
      // Through the end of the current minute, in one step of whole minutes: one count per kid.
      const to = Math.ceil((Date.now() + 1) / 60_000) * 60_000;
      const stepSeconds = Math.max(60, Math.ceil(since / 60) * 60);
      const response = await context.rpc.getSignatureStats({
        keySet,
        kid,
        from: new Date(to - stepSeconds * 1_000),
        to: new Date(to),
        step: { seconds: String(stepSeconds), nanos: 0 },
      });
      if (context.json) return printJson(context, GetSignatureStatsResponse.toJSON(response));
      const totals = response.series.map(
        (series) => [series.key, series.points.reduce((sum, point) => sum + BigInt(point.count), 0n)] as const,
      );
      totals.sort(([, a], [, b]) => (a === b ? 0 : a > b ? -1 : 1));
      context.out.stdout(
        formatTable(
          ['KID', 'SIGNATURES'],
          totals.map(([key, total]) => [key, String(total)]),
        ),
      );
    };
  },
};

export const signatureCommands: readonly Command[] = [signatures];
