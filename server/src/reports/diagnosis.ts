// DiagnoseVerificationFailures' rules: what each failing kid of a key set is, and what to do.
// Pure: the caller gathers the facts (stored totals, the keyring, JWKS sightings).

import type { KeyFacts } from '../lifecycle/facts.js';
import type { KeySetPolicy } from '../lifecycle/policy.js';
import type { KeyState } from '../lifecycle/states.js';
import { UNKNOWN_KID, type FailureTotal } from '../model/verification-failures.js';
import type { VerifyReason } from '../model/verify-reasons.js';

export const FAILING_KID_KINDS = [
  'PENDING_KEY',
  'ACTIVE_KEY',
  'RETIRED_KEY',
  'EXPIRED_KEY',
  'REVOKED_KEY',
  'OTHER_KEY_SET',
  'UNKNOWN',
] as const;
export type FailingKidKind = (typeof FAILING_KID_KINDS)[number];

export interface PolicySuggestion {
  readonly field: 'grace_period' | 'pre_publish_period';
  readonly currentSeconds: number;
  readonly suggestedSeconds: number;
}

/** Anonymous JWKS clients of the readiness window, against one key's creation time. */
export interface SightingCounts {
  readonly seen: number;
  readonly holdingKey: number;
}

export interface ActivationGap {
  readonly activatedAt: Date;
  readonly clientsSeen: number;
  readonly clientsWithoutKey: number;
  readonly prePublishPeriodSeconds: number;
  readonly jwksMaxAgeSeconds: number;
}

export interface KidDiagnosis {
  readonly kid: string;
  readonly failures: bigint;
  /** Most failures first. */
  readonly reasons: readonly { readonly reason: VerifyReason; readonly count: bigint }[];
  readonly kind: FailingKidKind;
  readonly keyState: KeyState | undefined;
  readonly otherKeySet: string | undefined;
  readonly explanation: string;
  /** Empty when nothing is needed. */
  readonly advice: string;
  readonly suggestion: PolicySuggestion | undefined;
  readonly reportingClients: readonly string[];
  readonly activationGap: ActivationGap | undefined;
}

export interface DiagnosisFacts {
  readonly policy: KeySetPolicy;
  readonly jwksMaxAgeSeconds: number;
  readonly keys: readonly KeyFacts[];
  readonly totals: readonly FailureTotal[];
  /** Sampled kids of the "unknown" aggregate. */
  readonly unknownKidSamples: readonly string[];
  /** The other key set that holds `kid`, if one does. */
  readonly otherKeySetOf: (kid: string) => string | undefined;
  /** For each kid of activationGapKeys(): the JWKS clients of the readiness window. */
  readonly sightings: ReadonlyMap<string, SightingCounts>;
}

const MINUTE_MS = 60_000;

/**
 * The active keys whose UNKNOWN_KID failures began after they activated: the clients' cached JWKS
 * did not hold them yet. The caller fetches their sightings before diagnose().
 */
export function activationGapKeys(keys: readonly KeyFacts[], totals: readonly FailureTotal[]): KeyFacts[] {
  return keys.filter((key) => key.state === 'ACTIVE' && lastUnknownKidAfterActivation(key, totals) !== undefined);
}

/** One diagnosis per failing kid, and one per sampled unknown kid; most failures first. */
export function diagnose(facts: DiagnosisFacts): KidDiagnosis[] {
  const byKid = new Map<string, FailureTotal[]>();
  for (const total of facts.totals) byKid.set(total.kid, [...(byKid.get(total.kid) ?? []), total]);
  const diagnoses = [...byKid].map(([kid, totals]) => diagnoseKid(facts, kid, totals));
  // Kids the key set never had share one stored count ("unknown", which carries it); each sampled
  // kid is listed with 0 failures so that its kind (another key set's, or never issued) shows.
  if (byKid.has(UNKNOWN_KID)) {
    for (const kid of facts.unknownKidSamples) {
      if (!byKid.has(kid)) diagnoses.push({ ...foreignKid(facts, kid), ...counted([]) });
    }
  }
  return diagnoses.sort((a, b) =>
    a.failures === b.failures ? (a.kid < b.kid ? -1 : 1) : a.failures > b.failures ? -1 : 1,
  );
}

type Counts = Pick<KidDiagnosis, 'failures' | 'reasons' | 'reportingClients'>;
type Verdict = Omit<KidDiagnosis, keyof Counts>;

function diagnoseKid(facts: DiagnosisFacts, kid: string, totals: readonly FailureTotal[]): KidDiagnosis {
  const key = facts.keys.find((candidate) => candidate.kid === kid);
  const verdict =
    kid === UNKNOWN_KID
      ? unknownAggregate()
      : kid === ''
        ? noKid()
        : key === undefined
          ? foreignKid(facts, kid)
          : keyVerdict(facts, key, totals);
  return { ...verdict, ...counted(totals) };
}

function counted(totals: readonly FailureTotal[]): Counts {
  const reasons = new Map<VerifyReason, bigint>();
  for (const total of totals) reasons.set(total.reason, (reasons.get(total.reason) ?? 0n) + total.count);
  return {
    failures: totals.reduce((sum, total) => sum + total.count, 0n),
    reasons: [...reasons]
      .map(([reason, count]) => ({ reason, count }))
      .sort((a, b) => (a.count === b.count ? (a.reason < b.reason ? -1 : 1) : a.count > b.count ? -1 : 1)),
    reportingClients: [...new Set(totals.map((total) => total.client))].sort(),
  };
}

const none = { keyState: undefined, otherKeySet: undefined, suggestion: undefined, activationGap: undefined };

function unknownAggregate(): Verdict {
  return {
    ...none,
    kid: UNKNOWN_KID,
    kind: 'UNKNOWN',
    explanation:
      'Kids this key set never had, counted together (the sampled kids follow, each with its kind): ' +
      'tokens of another issuer or key set, or forged ones.',
    advice:
      "Check the relying parties' issuer and audience settings against the sampled kids; " +
      'tokens no issuer of yours made are forged: find where they come from.',
  };
}

function noKid(): Verdict {
  return {
    ...none,
    kid: '',
    kind: 'UNKNOWN',
    explanation: 'Tokens that named no kid: every token Keyward signs names one, so Keyward did not sign these.',
    advice: 'Find the issuer of these tokens: another issuer configured for the same audience, or forged tokens.',
  };
}

function foreignKid(facts: DiagnosisFacts, kid: string): Verdict {
  const other = facts.otherKeySetOf(kid);
  if (other !== undefined) {
    return {
      ...none,
      kid,
      kind: 'OTHER_KEY_SET',
      otherKeySet: other,
      explanation: `A key of key set "${other}": tokens of that key set were checked against this one.`,
      advice:
        `An issuer or audience mix-up: make the relying parties verify "${other}" tokens with "${other}"'s JWKS, ` +
        'or make the issuer sign their tokens with this key set.',
    };
  }
  return {
    ...none,
    kid,
    kind: 'UNKNOWN',
    explanation: 'Keyward never issued this kid: a token of another issuer, or a forged one.',
    advice: 'Find where these tokens come from; if no issuer of yours made them, they are forged.',
  };
}

function keyVerdict(facts: DiagnosisFacts, key: KeyFacts, totals: readonly FailureTotal[]): Verdict {
  const base = { ...none, kid: key.kid, keyState: key.state };
  switch (key.state) {
    case 'PENDING':
      return {
        ...base,
        kind: 'PENDING_KEY',
        explanation:
          `Pending since ${iso(key.createdAt)}: it has not signed yet, so Keyward did not sign these tokens. ` +
          'A client pinned to the next kid, or tokens minted outside Keyward with this kid.',
        advice:
          'Find who makes tokens with this kid: clients must take the kid from the JWKS, never pick a future one; ' +
          'tokens signed elsewhere are forged.',
      };
    case 'ACTIVE':
      return { ...base, kind: 'ACTIVE_KEY', ...activeVerdict(facts, key, totals) };
    case 'RETIRED':
    case 'EXPIRED':
    case 'DESTROYED':
      return {
        ...base,
        kind: key.state === 'RETIRED' ? 'RETIRED_KEY' : 'EXPIRED_KEY',
        ...retiredVerdict(facts, key, totals),
      };
    case 'REVOKED':
      return {
        ...base,
        kind: 'REVOKED_KEY',
        explanation: `Revoked at ${iso(key.revokedAt)}: its tokens are refused, as they must be.`,
        advice:
          'None needed, unless the count keeps rising: then tokens it signed are still in circulation; ' +
          'find who still presents them.',
      };
  }
}

function activeVerdict(
  facts: DiagnosisFacts,
  key: KeyFacts,
  totals: readonly FailureTotal[],
): Pick<Verdict, 'explanation' | 'advice' | 'suggestion' | 'activationGap'> {
  const lastUnknown = lastUnknownKidAfterActivation(key, totals);
  if (lastUnknown === undefined || key.activatedAt === null) {
    return {
      explanation:
        'The key that signs now: these failures are about the tokens (their claims, times or bytes), not the key.',
      advice: "Check the failing claims and the relying parties' clocks; bad signatures mean altered tokens.",
      suggestion: undefined,
      activationGap: undefined,
    };
  }
  const sightings = facts.sightings.get(key.kid) ?? { seen: 0, holdingKey: 0 };
  const gap: ActivationGap = {
    activatedAt: key.activatedAt,
    clientsSeen: sightings.seen,
    clientsWithoutKey: sightings.seen - sightings.holdingKey,
    prePublishPeriodSeconds: facts.policy.prePublishPeriodSeconds,
    jwksMaxAgeSeconds: facts.jwksMaxAgeSeconds,
  };
  const needed = wholeMinutesSeconds(lastUnknown.getTime() - key.createdAt.getTime());
  const current = facts.policy.prePublishPeriodSeconds;
  return {
    explanation:
      `Signing since ${iso(key.activatedAt)} (published ${iso(key.createdAt)}), but relying parties' cached JWKS ` +
      `did not hold it yet (UNKNOWN_KID until ${iso(lastUnknown)}). ${gap.clientsWithoutKey} of ${gap.clientsSeen} ` +
      'JWKS clients seen in the last 24 hours were last served a JWKS without it.',
    advice:
      `Check that relying parties refetch the JWKS on an unknown kid and cache it no longer than its max-age ` +
      `(${facts.jwksMaxAgeSeconds}s)` +
      (needed > current ? `; lengthen pre_publish_period to ${needed}s.` : '; avoid IMMEDIATE rotations.'),
    suggestion:
      needed > current ? { field: 'pre_publish_period', currentSeconds: current, suggestedSeconds: needed } : undefined,
    activationGap: gap,
  };
}

function retiredVerdict(
  facts: DiagnosisFacts,
  key: KeyFacts,
  totals: readonly FailureTotal[],
): Pick<Verdict, 'explanation' | 'advice' | 'suggestion'> {
  const current = facts.policy.gracePeriodSeconds;
  const retiredAt = key.retiredAt;
  if (retiredAt === null) {
    // Never signed (unpublished straight from PENDING): its tokens were not Keyward's.
    return {
      explanation: 'This key never signed, so Keyward did not sign these tokens.',
      advice: 'Find who makes tokens with this kid: tokens signed elsewhere are forged.',
      suggestion: undefined,
    };
  }
  const lastAt = new Date(Math.max(...totals.map((total) => total.lastAt.getTime())));
  const suggested = wholeMinutesSeconds(lastAt.getTime() - retiredAt.getTime());
  if (suggested > current) {
    const suggestion: PolicySuggestion = {
      field: 'grace_period',
      currentSeconds: current,
      suggestedSeconds: suggested,
    };
    return {
      explanation:
        `Retired at ${iso(retiredAt)}; failures until ${iso(lastAt)}, after its grace period of ${current}s ended: ` +
        'the grace period is too short for the tokens it signed.',
      advice:
        `Lengthen grace_period to ${suggested}s, or shorten the tokens' lifetime (max_token_ttl ` +
        `${facts.policy.maxTokenTtlSeconds}s) so that they expire while the key is published.`,
      suggestion,
    };
  }
  return {
    explanation:
      `Retired at ${iso(retiredAt)}; failures until ${iso(lastAt)}, within its grace period of ${current}s, ` +
      "while it was published: the grace period is long enough, the relying parties' JWKS caching is the cause.",
    advice:
      `Check that relying parties refetch the JWKS on an unknown kid and cache it no longer than its max-age ` +
      `(${facts.jwksMaxAgeSeconds}s).`,
    // The policy already covered these failures: nothing of it to change.
    suggestion: undefined,
  };
}

/** The end of the latest bucket of UNKNOWN_KID failures after `key` activated, if any. */
function lastUnknownKidAfterActivation(key: KeyFacts, totals: readonly FailureTotal[]): Date | undefined {
  const activatedAt = key.activatedAt;
  if (activatedAt === null) return undefined;
  const ends = totals
    .filter((total) => total.kid === key.kid && total.reason === 'UNKNOWN_KID' && total.lastAt > activatedAt)
    .map((total) => total.lastAt.getTime());
  return ends.length === 0 ? undefined : new Date(Math.max(...ends));
}

/** `ms` as seconds, rounded up to a whole minute. */
function wholeMinutesSeconds(ms: number): number {
  return Math.ceil(ms / MINUTE_MS) * 60;
}

function iso(at: Date | null): string {
  return at === null ? 'an unknown time' : at.toISOString();
}
