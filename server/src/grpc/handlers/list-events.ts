import type { Event, ListEventsRequest, ListEventsResponse } from '@keyward/proto/keyward/v1';
import { newestIdFirst, type Listing, type Pager } from '../../paging/pager.js';
import { validateKeySetName } from '../../model/names.js';
import { validateRange } from '../../model/time-range.js';
import { validateActor, validateEventType, validateKid } from '../../service/request-values.js';
import type { KeyStore } from '../../store/key-store.js';
import type { KeyEventRecord } from '../../model/events.js';

export async function listEvents(
  store: KeyStore,
  pager: Pager,
  request: ListEventsRequest,
): Promise<ListEventsResponse> {
  const keySet = request.keySet === '' ? undefined : validateKeySetName(request.keySet, 'key_set');
  const kid = request.kid === '' ? undefined : validateKid(request.kid);
  const actor = request.actor === undefined ? undefined : validateActor(request.actor);
  const type = request.type === undefined ? undefined : validateEventType(request.type);
  const { from, to } = request;
  validateRange(from, to);
  const events: Listing<KeyEventRecord, bigint> = {
    // A page token only works with the filters it was made for.
    scope: [
      'ListEvents',
      request.keySet,
      request.kid,
      actor ?? '',
      type ?? '',
      from?.toISOString() ?? '',
      to?.toISOString() ?? '',
    ],
    order: newestIdFirst,
    positionOf: (event) => event.id,
  };
  const page = await pager.page(request, events, ({ after, limit }) =>
    store.listEvents({ keySet, kid, actor, type, from, to, beforeId: after, limit }),
  );
  return { events: page.items.map(toWireEvent), nextPageToken: page.nextPageToken };
}

export function toWireEvent(event: KeyEventRecord): Event {
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
