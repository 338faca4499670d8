// What the overview and key set pages show, read through the session's own permissions.
import 'server-only';
import { KeyState, type Key, type KeySet } from '@keyward/proto/keyward/v1';
import { cache } from 'react';
import { callAsStaff } from './session';

export interface Transition {
  readonly kid: string;
  readonly state: KeyState;
  readonly at: Date;
}

export interface KeySetSummary {
  readonly keySet: KeySet;
  readonly pendingKid: string | undefined;
  /** The first scheduled change of any of its keys, if the policy schedules one. */
  readonly nextTransition: Transition | undefined;
  /** The service's "now", against which the transition was scheduled. */
  readonly now: Date;
}

/** Every key set the session may read, every page of them. */
export const readableKeySets = cache(async (): Promise<KeySet[]> => {
  const keySets: KeySet[] = [];
  let pageToken = '';
  do {
    const page = await callAsStaff('listKeySets', { pageSize: 500, pageToken });
    keySets.push(...page.keySets);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return keySets;
});

export const keySetSummaries = cache(async (): Promise<KeySetSummary[]> => {
  const keySets = await readableKeySets();
  return Promise.all(
    keySets.map(async (keySet) => {
      const timeline = await callAsStaff('getKeyTimeline', { keySet: keySet.name });
      const transitions = timeline.keys.flatMap((key) =>
        key.intervals
          .filter((interval) => interval.scheduled && interval.start !== undefined)
          .map((interval) => ({ kid: key.kid, state: interval.state, at: interval.start! })),
      );
      transitions.sort((a, b) => a.at.getTime() - b.at.getTime());
      return {
        keySet,
        pendingKid: timeline.keys.find((key) => key.state === KeyState.KEY_STATE_PENDING)?.kid,
        nextTransition: transitions[0],
        now: timeline.now ?? new Date(),
      };
    }),
  );
});

export const keySet = cache(async (name: string): Promise<KeySet | undefined> => {
  return (await callAsStaff('getKeySet', { keySet: name })).keySet;
});

export const keysOf = cache(async (name: string): Promise<Key[]> => {
  const keys: Key[] = [];
  let pageToken = '';
  do {
    const page = await callAsStaff('listKeys', { keySet: name, pageSize: 500, pageToken });
    keys.push(...page.keys);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return keys;
});
