// Key sets and their keys, read through the session's own permissions (once per request).
import 'server-only';
import type { Key, KeySet } from '@keyward/proto/keyward/v1';
import { cache } from 'react';
import { callAsStaff } from './session';

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
