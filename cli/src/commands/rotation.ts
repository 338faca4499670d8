// keyward rotate <key-set> --reason <text> [--immediate] | revoke <kid> --reason <text>

import { RevokeKeyResponse, RotateResponse, RotationMode } from '@keyward/proto/keyward/v1';
import type { CommandInput } from '../args.js';
import { formatFields } from '../table.js';
import { present, printJson, stateName, type Command, type CommandContext } from './command.js';

export const REASON_OPTION = { type: 'string', value: 'text', help: 'why: recorded in the audit trail' } as const;

/** --reason, which the service records with the change: required and not blank. */
export function reasonOf(input: CommandInput): string {
  const reason = (input.string('reason') ?? '').trim();
  if (reason === '') throw input.usageError('--reason must say why (it is recorded in the audit trail)');
  return reason;
}

/** What the service wants the operator to know, on standard error (standard output stays data). */
export function printWarning(context: CommandContext, warning: string): void {
  if (warning !== '') context.out.stderr(`warning: ${warning}\n`);
}

const rotate: Command = {
  path: ['rotate'],
  args: ['key-set'],
  options: {
    reason: REASON_OPTION,
    immediate: {
      type: 'boolean',
      help: 'the new key signs now (emergencies: clients with a cached JWKS miss its kid until they refetch)',
    },
  },
  required: ['reason'],
  summary: 'publish a successor key that signs after the pre-publish period (or at once with --immediate)',
  prepare: (input) => {
    const request = {
      keySet: input.arg('key-set'),
      reason: reasonOf(input),
      mode: input.flag('immediate') ? RotationMode.ROTATION_MODE_IMMEDIATE : RotationMode.ROTATION_MODE_SCHEDULED,
    };
    return async (context) => {
      const response = await context.rpc.rotate(request);
      printWarning(context, response.warning);
      if (context.json) return printJson(context, RotateResponse.toJSON(response));
      const key = present(response.newKey, 'new key');
      context.out.stdout(
        formatFields([
          ['new kid', key.kid],
          ['state', stateName(key.state)],
          ['signs from', response.activatesAt],
          ['previous kid', response.previousKid],
          ...(response.alreadyPending
            ? [['note', 'a rotation was already under way: this is its pending key'] as const]
            : []),
        ]),
      );
    };
  },
};

const revoke: Command = {
  path: ['revoke'],
  args: ['kid'],
  options: { reason: REASON_OPTION },
  required: ['reason'],
  summary: 'unpublish a compromised key at once (revoking the signer promotes a replacement)',
  prepare: (input) => {
    const request = { kid: input.arg('kid'), reason: reasonOf(input) };
    return async (context) => {
      const response = await context.rpc.revokeKey(request);
      printWarning(context, response.warning);
      if (context.json) return printJson(context, RevokeKeyResponse.toJSON(response));
      const revoked = present(response.revokedKey, 'revoked key');
      const replacement = response.replacementKey;
      context.out.stdout(
        formatFields([
          ['revoked kid', revoked.kid],
          ['state', stateName(revoked.state)],
          ['revoked at', revoked.revokedAt],
          ...(replacement === undefined
            ? []
            : [
                ['replacement kid', replacement.kid] as const,
                ['replacement state', stateName(replacement.state)] as const,
              ]),
        ]),
      );
    };
  },
};

export const rotationCommands: readonly Command[] = [rotate, revoke];
