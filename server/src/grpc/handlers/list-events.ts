import type { Event, ListEventsRequest, ListEventsResponse } from '@keyward/proto/keyward/v1';
import { invalidArgument } from '../../errors.js';
import { validateKeySetName } from '../../model/names.js';
import { validateKid } from '../../service/request-values.js';
import type { KeyStore } from '../../store/key-store.js';
import type { KeyEventRecord } from '../../model/events.js';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;
const TOKEN_PREFIX = 'v1:';
// Event ids are PostgreSQL bigints.
const MAX_BIGINT = 2n ** 63n - 1n;

export async function listEvents(store: KeyStore, request: ListEventsRequest): Promise<ListEventsResponse> {
  const limit = request.pageSize === 0 ? DEFAULT_PAGE_SIZE : request.pageSize;
  if (limit > MAX_PAGE_SIZE) throw invalidArgument('page_size', `must be at most ${MAX_PAGE_SIZE}`);
  const events = await store.listEvents({
    ...(request.keySet === '' ? {} : { keySet: validateKeySetName(request.keySet, 'key_set') }),
    ...(request.kid === '' ? {} : { kid: validateKid(request.kid) }),
    ...(request.pageToken === '' ? {} : { beforeId: decodePageToken(request.pageToken) }),
    // One more than asked tells whether another page follows.
    limit: limit + 1,
  });
  const page = events.slice(0, limit);
  const last = page.at(-1);
  return {
    events: page.map(toWireEvent),
    nextPageToken: events.length > limit && last !== undefined ? encodePageToken(last.id) : '',
  };
}

function toWireEvent(event: KeyEventRecord): Event {
  return {
    id: String(event.id),
    keySet: event.keySet ?? '',
    kid: event.kid ?? '',
    type: event.type,
    outcome: event.outcome,
    actor: event.actor,
    reason: event.reason ?? '',
    beforeJson: event.before === null || event.before === undefined ? '' : JSON.stringify(event.before),
    afterJson: event.after === null || event.after === undefined ? '' : JSON.stringify(event.after),
    createdAt: event.at,
  };
}

function encodePageToken(id: bigint): string {
  return Buffer.from(`${TOKEN_PREFIX}${id}`, 'utf8').toString('base64url');
}

function decodePageToken(token: string): bigint {
  const decoded = Buffer.from(token, 'base64url').toString('utf8');
  const id = decoded.startsWith(TOKEN_PREFIX) ? decoded.slice(TOKEN_PREFIX.length) : '';
  if (!/^\d{1,19}$/.test(id) || BigInt(id) > MAX_BIGINT) {
    throw invalidArgument('page_token', 'is not a token this service issued');
  }
  return BigInt(id);
}
