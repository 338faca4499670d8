// Links within the key page: its state (chart range, events page) lives in the URL, so a view can
// be shared and the back button works.
import { DEFAULT_SIGNATURE_RANGE, type SignatureRange } from './signature-series';

export interface KeyPageState {
  readonly range?: SignatureRange;
  /** A ListEvents page token; absent for the first page. */
  readonly events?: string;
}

export function keyPageHref(keySet: string, kid: string, state: KeyPageState = {}): string {
  const path = `/key-sets/${encodeURIComponent(keySet)}/keys/${encodeURIComponent(kid)}`;
  const query = new URLSearchParams();
  if (state.range !== undefined && state.range !== DEFAULT_SIGNATURE_RANGE) query.set('range', state.range);
  if (state.events !== undefined && state.events !== '') query.set('events', state.events);
  const search = query.toString();
  return search === '' ? path : `${path}?${search}`;
}
