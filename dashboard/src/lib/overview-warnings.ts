// What the overview warns about for one key set, from facts the API gives: the policy's warnings
// (the server's own judgement), rotation readiness, the failing spike (failure-spike.ts states
// its rule), and keys whose scheduled end is near. Pure: handed facts and a time, it returns sentences.
import { KeyState, type GetRotationReadinessResponse, type KeyTimeline } from '@keyward/proto/keyward/v1';
import type { SpikeVerdict } from './failure-spike';
import { relativeTime } from './format';
import { shortKid } from './failure-series';

export type WarningKind = 'policy' | 'readiness' | 'spike' | 'retention';

export interface Warning {
  readonly kind: WarningKind;
  readonly text: string;
}

/** Without a hold, a pending key is flagged when fewer than this share of clients have it... */
export const LOW_SHARE = 0.5;
/** ...and it may activate within this many seconds (or already may). */
export const ELIGIBLE_SOON_SECONDS = 6 * 3_600;
/** An expired key whose private material is destroyed within this many seconds. */
export const DESTRUCTION_SOON_SECONDS = 7 * 86_400;
/** A retired key unpublished within this many seconds (its tokens stop verifying then). */
export const UNPUBLISHED_SOON_SECONDS = 3_600;

const percent = (share: number) => `${Math.round(share * 100)}%`;

export function readinessWarning(readiness: GetRotationReadinessResponse, now: Date): string | undefined {
  const { pendingKid, clientsSeen, clientsWithPendingKey, share, minShare, eligibleAt, deadline } = readiness;
  // No pending key, or nobody fetched the JWKS lately: nobody to strand.
  if (pendingKid === '' || clientsSeen === 0) return undefined;
  const have = `${clientsWithPendingKey} of ${clientsSeen} recent clients (${percent(share)}) have pending key ${shortKid(pendingKid)}`;
  if (minShare > 0) {
    if (share >= minShare) return undefined;
    const forced = deadline === undefined ? '' : `; it activates anyway ${relativeTime(deadline, now)}`;
    return `${have}; the activation hold needs ${percent(minShare)}${forced}.`;
  }
  if (share >= LOW_SHARE || eligibleAt === undefined) return undefined;
  if (eligibleAt.getTime() - now.getTime() > ELIGIBLE_SOON_SECONDS * 1_000) return undefined;
  return `${have}; it may start signing ${relativeTime(eligibleAt, now)}, and clients without it will fail.`;
}

export function spikeWarning(spike: SpikeVerdict): string | undefined {
  if (!spike.spiking) return undefined;
  const before = spike.baselinePerHour.toFixed(1);
  return `Failing spike: ${spike.lastHour} failures in the last hour against ${before} an hour before.`;
}

/** The next scheduled interval of a key, if any. */
function nextScheduled(key: KeyTimeline) {
  return key.intervals.find((interval) => interval.scheduled && interval.start !== undefined);
}

export function retentionWarnings(keys: readonly KeyTimeline[], now: Date): string[] {
  const warnings: string[] = [];
  for (const key of keys) {
    const next = nextScheduled(key);
    if (next === undefined) continue;
    const untilMs = next.start!.getTime() - now.getTime();
    const when = relativeTime(next.start!, now);
    if (
      key.state === KeyState.KEY_STATE_EXPIRED &&
      next.state === KeyState.KEY_STATE_DESTROYED &&
      untilMs <= DESTRUCTION_SOON_SECONDS * 1_000
    ) {
      warnings.push(`Expired key ${shortKid(key.kid)}: its private key is destroyed ${when}.`);
    }
    if (
      key.state === KeyState.KEY_STATE_RETIRED &&
      next.state === KeyState.KEY_STATE_EXPIRED &&
      untilMs <= UNPUBLISHED_SOON_SECONDS * 1_000
    ) {
      warnings.push(`Retired key ${shortKid(key.kid)} is unpublished ${when}: tokens it signed stop verifying then.`);
    }
  }
  return warnings;
}

export interface WarningFacts {
  readonly policyWarnings: readonly string[];
  readonly readiness: GetRotationReadinessResponse | undefined;
  readonly spike: SpikeVerdict | undefined;
  readonly keys: readonly KeyTimeline[];
  readonly now: Date;
}

export function overviewWarnings(facts: WarningFacts): Warning[] {
  const warnings: Warning[] = facts.policyWarnings.map((text) => ({
    kind: 'policy',
    text: `The policy strands tokens: ${text}.`,
  }));
  const readiness = facts.readiness === undefined ? undefined : readinessWarning(facts.readiness, facts.now);
  if (readiness !== undefined) warnings.push({ kind: 'readiness', text: readiness });
  const spike = facts.spike === undefined ? undefined : spikeWarning(facts.spike);
  if (spike !== undefined) warnings.push({ kind: 'spike', text: spike });
  for (const text of retentionWarnings(facts.keys, facts.now)) warnings.push({ kind: 'retention', text });
  return warnings;
}
