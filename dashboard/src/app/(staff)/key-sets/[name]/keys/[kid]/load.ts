// Everything the key page shows, read with the session's own permissions, in parallel.
import 'server-only';
import { status } from '@grpc/grpc-js';
import type { Event, Key, KidDiagnosis } from '@keyward/proto/keyward/v1';
import { notFound } from 'next/navigation';
import { keysOf } from '../../../../../../lib/key-sets';
import { keyMaterial, type KeyMaterial } from '../../../../../../lib/key-material';
import { isGrpcError } from '../../../../../../lib/keyward-client';
import { diagnosisOf } from '../../../../../../lib/kid-failures';
import { callAsStaff } from '../../../../../../lib/session';
import {
  signatureWindow,
  summarizeSignatures,
  type SignatureRange,
  type SignatureSummary,
  type SignatureWindow,
} from '../../../../../../lib/signature-series';
import { keyHistory, type KeyHistory } from '../../../../../../lib/state-history';

const EVENTS_PER_PAGE = 20;

export interface EventsPage {
  readonly events: Event[];
  readonly nextPageToken: string;
  /** Set when the page token in the URL was refused (altered, or from before a master-key rotation). */
  readonly refused: boolean;
}

export interface KeyPageData {
  readonly key: Key;
  readonly now: Date;
  readonly material: KeyMaterial;
  readonly history: KeyHistory;
  readonly window: SignatureWindow;
  readonly signatures: SignatureSummary;
  readonly events: EventsPage;
  /** Undefined when nothing failed for this key in the window. */
  readonly failures: KidDiagnosis | undefined;
}

/** notFound() for a key set the session cannot find, or a kid that is not one of its keys. */
export async function loadKeyPage(
  keySet: string,
  kid: string,
  range: SignatureRange,
  eventsToken: string,
): Promise<KeyPageData> {
  const [keys, timeline] = await orNotFound(Promise.all([keysOf(keySet), callAsStaff('getKeyTimeline', { keySet })]));
  const key = keys.find((candidate) => candidate.kid === kid);
  const now = timeline.now ?? new Date();
  const history = keyHistory(timeline, kid, now);
  if (key === undefined || history === undefined) notFound();

  const window = signatureWindow(range, now);
  const [material, stats, events, diagnosis] = await Promise.all([
    keyMaterial(key.publicJwkJson),
    callAsStaff('getSignatureStats', {
      keySet,
      kid,
      from: window.from,
      to: window.to,
      step: { seconds: String(window.stepSeconds), nanos: 0 },
    }),
    eventsPage(keySet, kid, eventsToken),
    callAsStaff('diagnoseVerificationFailures', { keySet, from: window.from, to: window.to }),
  ]);
  return {
    key,
    now,
    material,
    history,
    window,
    signatures: summarizeSignatures(stats.series, window),
    events,
    failures: diagnosisOf(diagnosis, kid),
  };
}

async function eventsPage(keySet: string, kid: string, pageToken: string): Promise<EventsPage> {
  const request = { keySet, kid, pageSize: EVENTS_PER_PAGE };
  try {
    const page = await callAsStaff('listEvents', { ...request, pageToken });
    return { events: page.events, nextPageToken: page.nextPageToken, refused: false };
  } catch (error) {
    if (pageToken === '' || !isGrpcError(error, status.INVALID_ARGUMENT)) throw error;
    const first = await callAsStaff('listEvents', { ...request, pageToken: '' });
    return { events: first.events, nextPageToken: first.nextPageToken, refused: true };
  }
}

async function orNotFound<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) notFound();
    throw error;
  }
}
