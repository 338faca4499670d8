// keyward failures <key-set> [--since 24h]: each kid that failed to verify lately, what it is and
// what to do (DiagnoseVerificationFailures).

import {
  DiagnoseVerificationFailuresResponse,
  FailingKidKind,
  VerifyReason,
  type KidDiagnosis,
} from '@keyward/proto/keyward/v1';
import { describeDuration, parseDuration } from '../durations.js';
import { formatTable } from '../table.js';
import { printJson, type Command } from './command.js';

const DEFAULT_SINCE_SECONDS = 86_400;
// Relying parties may date a report up to 15 minutes ahead of the service's clock.
const AHEAD_MS = 15 * 60_000;

const failures: Command = {
  path: ['failures'],
  args: ['key-set'],
  options: {
    since: { type: 'string', value: 'duration', help: 'how far back to look (default 24h)' },
  },
  summary: 'why tokens failed to verify, per kid, and what to do about it',
  prepare: (input) => {
    const sinceText = input.string('since');
    const since = sinceText === undefined ? DEFAULT_SINCE_SECONDS : parseDuration(sinceText, '--since');
    const keySet = input.arg('key-set');
    return async (context) => {
      const now = Date.now();
      const response = await context.rpc.diagnoseVerificationFailures({
        keySet,
        from: new Date(now - since * 1_000),
        to: new Date(now + AHEAD_MS),
      });
      if (context.json) return printJson(context, DiagnoseVerificationFailuresResponse.toJSON(response));
      context.out.stdout(
        formatTable(
          ['KID', 'KIND', 'FAILURES', 'REASONS', 'ADVICE'],
          response.kids.map((kid) => [
            kid.kid === '' ? '(none)' : kid.kid,
            kindText(kid),
            kid.failures,
            reasonsText(kid),
            adviceText(kid),
          ]),
        ),
      );
    };
  },
};

function kindText(kid: KidDiagnosis): string {
  const name = FailingKidKind[kid.kind]?.replace(/^FAILING_KID_KIND_/, '') ?? String(kid.kind);
  return kid.otherKeySet === '' ? name : `${name} (${kid.otherKeySet})`;
}

function reasonsText(kid: KidDiagnosis): string {
  return kid.reasons
    .map(({ reason, count }) => `${VerifyReason[reason]?.replace(/^VERIFY_REASON_/, '') ?? String(reason)} ${count}`)
    .join(', ');
}

function adviceText(kid: KidDiagnosis): string {
  const { suggestion } = kid;
  if (suggestion === undefined) return kid.advice;
  return `${kid.advice} (${suggestion.field}: ${describeDuration(suggestion.current)} -> ${describeDuration(suggestion.suggested)})`;
}

export const failureCommands: readonly Command[] = [failures];
