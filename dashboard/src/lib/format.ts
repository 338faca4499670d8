// Words for what the API returns: key states, times relative to now, durations, policies.
import { ExcessTtl, KeyState, type KeySetPolicy } from '@keyward/proto/keyward/v1';

type Duration = NonNullable<KeySetPolicy['rotationPeriod']>;

export function keyStateName(state: KeyState): string {
  const name = KeyState[state] as string | undefined;
  return name === undefined || state === KeyState.KEY_STATE_UNSPECIFIED
    ? 'unknown'
    : name.replace(/^KEY_STATE_/, '').toLowerCase();
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** `at` against `now` in the largest whole unit: "in 3 days", "5 minutes ago". */
export function relativeTime(at: Date, now: Date): string {
  const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
  const [unit, size] = UNITS.find(([, size]) => Math.abs(seconds) >= size) ?? ['second', 1];
  return relative.format(Math.round(seconds / size), unit);
}

/** "30 days", "1 hour 5 minutes", "0 seconds". */
export function durationInWords(duration: Duration | undefined): string {
  let seconds = Number(duration?.seconds ?? 0);
  const parts: string[] = [];
  for (const [unit, size] of UNITS.slice(2)) {
    const count = Math.floor(seconds / size);
    seconds -= count * size;
    if (count > 0) parts.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
  }
  return parts.length === 0 ? '0 seconds' : parts.join(' ');
}

/** A key set's policy as sentences a person reads. */
export function policyInWords(policy: KeySetPolicy | undefined): string[] {
  if (policy === undefined) return ['No policy reported.'];
  const rotation =
    policy.autoRotate === false
      ? 'Keys rotate only when someone rotates them.'
      : `A new key takes over every ${durationInWords(policy.rotationPeriod)}.`;
  const sentences = [
    rotation,
    `A new key is published ${durationInWords(policy.prePublishPeriod)} before it starts signing.`,
    `A retired key stays published for ${durationInWords(policy.gracePeriod)} so that its tokens still verify.`,
    `An unpublished key's private material is kept ${durationInWords(policy.retentionPeriod)}, then destroyed.`,
    `Tokens live at most ${durationInWords(policy.maxTokenTtl)}; a longer one is ${
      policy.excessTtl === ExcessTtl.EXCESS_TTL_CLAMP ? 'shortened to that' : 'refused'
    }.`,
  ];
  const readiness = policy.activationReadiness;
  if (readiness !== undefined) {
    sentences.push(
      `A pending key waits until ${Math.round(readiness.minShare * 100)}% of recent clients have fetched it, ` +
        `at most ${durationInWords(readiness.maxDelay)} longer.`,
    );
  }
  return sentences;
}
