// keyward policy set <key-set> [--rotation-period 30d] [--pre-publish 10m] [--grace 1d]
//   [--retention 30d] [--max-token-ttl 1h] [--auto-rotate on|off] --reason <text>
// Only the options given change; the service refuses an unsafe combination and says why.

import { KeySetPolicy, UpdateKeySetPolicyResponse } from '@keyward/proto/keyward/v1';
import { quoteArg } from '../args.js';
import { parseDuration, toProtoDuration } from '../durations.js';
import { formatFields } from '../table.js';
import { keySetFields } from './key-sets.js';
import { present, printJson, type Command } from './command.js';
import { REASON_OPTION, reasonOf } from './rotation.js';

const DURATIONS = {
  'rotation-period': ['rotationPeriod', 'how long a key signs before its successor takes over'],
  'pre-publish': ['prePublishPeriod', 'how long a new key is published before it signs'],
  grace: ['gracePeriod', 'how long a retired key stays published'],
  retention: ['retentionPeriod', "how long an unpublished key's private material is kept"],
  'max-token-ttl': ['maxTokenTtl', 'the longest token lifetime Sign issues'],
} as const;

const set: Command = {
  path: ['policy', 'set'],
  args: ['key-set'],
  options: {
    ...Object.fromEntries(
      Object.entries(DURATIONS).map(([option, [, help]]) => [
        option,
        { type: 'string', value: 'duration', help } as const,
      ]),
    ),
    'auto-rotate': { type: 'string', value: 'on|off', help: 'whether the scheduler rotates on the rotation period' },
    reason: REASON_OPTION,
  },
  required: ['reason'],
  summary: "change a key set's policy (durations: 90s, 10m, 2h, 30d); unsafe combinations are refused",
  prepare: (input) => {
    const policy = KeySetPolicy.fromPartial({});
    let changes = 0;
    for (const [option, [field]] of Object.entries(DURATIONS)) {
      const text = input.string(option);
      if (text === undefined) continue;
      policy[field] = toProtoDuration(parseDuration(text, `--${option}`));
      changes += 1;
    }
    const autoRotate = input.string('auto-rotate');
    if (autoRotate !== undefined) {
      if (autoRotate !== 'on' && autoRotate !== 'off') {
        throw input.usageError(`--auto-rotate must be on or off, got ${quoteArg(autoRotate)}`);
      }
      policy.autoRotate = autoRotate === 'on';
      changes += 1;
    }
    if (changes === 0) throw input.usageError('nothing to change: give at least one policy option');
    const request = { keySet: input.arg('key-set'), policy, reason: reasonOf(input) };
    return async (context) => {
      const response = await context.rpc.updateKeySetPolicy(request);
      if (context.json) return printJson(context, UpdateKeySetPolicyResponse.toJSON(response));
      context.out.stdout(formatFields(keySetFields(present(response.keySet, 'key set'))));
    };
  },
};

export const policyCommands: readonly Command[] = [set];
