// What a rotation will do, said before it is done: the scheduled path with its readiness pre-flight,
// and the immediate path with the clients it will fail. Built from GetKeySet and
// GetRotationReadiness only, so it says what Keyward itself would decide.
import type { GetRotationReadinessResponse, KeySet } from '@keyward/proto/keyward/v1';
import { durationInWords } from './format';

type Duration = NonNullable<GetRotationReadinessResponse['window']>;

const seconds = (duration: Duration | undefined) => Number(duration?.seconds ?? 0);
const iso = (at: Date) => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface RotationPreflight {
  readonly scheduled: string[];
  readonly immediate: string[];
  /** Clients seen in the window that would meet the new key before their cached JWKS holds it. */
  readonly clientsUnprepared: number;
  readonly clientsSeen: number;
}

/** "N of M clients seen in the last 24 hours …": the immediate rotation's warning. */
export function unpreparedClients(readiness: GetRotationReadinessResponse): { unprepared: number; seen: number } {
  const seen = readiness.clientsSeen;
  const prepared = readiness.pendingKid === '' ? 0 : readiness.clientsWithPendingKey;
  return { unprepared: Math.max(seen - prepared, 0), seen };
}

export function rotationPreflight(
  keySet: KeySet,
  readiness: GetRotationReadinessResponse,
  now: Date,
): RotationPreflight {
  const policy = keySet.policy;
  const prePublish = seconds(policy?.prePublishPeriod);
  const grace = durationInWords(policy?.gracePeriod);
  const window = durationInWords(readiness.window);
  const horizon = durationInWords(readiness.jwksCacheHorizon);
  const maxAge = durationInWords(readiness.jwksMaxAge);
  const pending = readiness.pendingKid;
  const { unprepared, seen } = unpreparedClients(readiness);
  const active = keySet.activeKid === '' ? 'no key' : `key ${keySet.activeKid}`;
  const hold = policy?.activationReadiness;

  const scheduled: string[] = [];
  if (pending !== '') {
    scheduled.push(
      `A rotation is already under way: key ${pending} is pending. Rotating again starts no other one; ` +
        'Keyward answers with that key (already pending).',
    );
    scheduled.push(
      `Of the ${seen} clients seen in the last ${window}, ${readiness.clientsWithPendingKey} already hold it ` +
        `(${Math.round(readiness.share * 100)}%).`,
    );
    if (readiness.eligibleAt !== undefined) {
      scheduled.push(`It may start signing at ${iso(readiness.eligibleAt)}, when its pre-publish period is over.`);
    }
  } else {
    const eligible = new Date(now.getTime() + prePublish * 1000);
    scheduled.push(
      `A new key is published in the JWKS now and starts signing after the pre-publish period of ` +
        `${durationInWords(policy?.prePublishPeriod)}, at ${iso(eligible)} at the earliest.`,
    );
    scheduled.push(
      `${seen} clients fetched the JWKS in the last ${window}; a client refreshes its copy at most ` +
        `${horizon} after its last fetch, so each of them holds the new key before it signs.`,
    );
  }
  if (hold !== undefined) {
    scheduled.push(
      `The activation hold waits until ${Math.round(hold.minShare * 100)}% of recent clients hold the new key, ` +
        `at most ${durationInWords(hold.maxDelay)} past the pre-publish period` +
        (readiness.deadline === undefined ? '.' : ` (until ${iso(readiness.deadline)}).`),
    );
  }
  scheduled.push(
    `Until then ${active} keeps signing; afterwards it stays published for ${grace} so its tokens verify.`,
  );

  const immediate: string[] = [];
  immediate.push(
    pending === ''
      ? 'A new key is created and signs at once.'
      : `The pending key ${pending} signs at once, without waiting for its pre-publish period.`,
  );
  immediate.push(
    `${unprepared} of ${seen} clients seen in the last ${window} cache a JWKS that lacks the new key for up to ` +
      `${horizon} (max-age ${maxAge} plus stale-while-revalidate): tokens it signs fail there (unknown kid) ` +
      'until they fetch the JWKS again.',
  );
  immediate.push(`${active} stops signing and stays published for ${grace} so the tokens it signed still verify.`);
  return { scheduled, immediate, clientsUnprepared: unprepared, clientsSeen: seen };
}
