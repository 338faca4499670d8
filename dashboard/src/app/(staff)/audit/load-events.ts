// One page of the audit log for the page: the events, or a problem worded for the person.
import 'server-only';
import { status } from '@grpc/grpc-js';
import type { Event } from '@keyward/proto/keyward/v1';
import {
  fieldOfProblem,
  isFilterProblem,
  listEventsRequest,
  pageSizeOf,
  type AuditView,
  type FilterProblem,
} from '../../../lib/audit-filters';
import { isGrpcError } from '../../../lib/keyward-client';
import { callAsStaff } from '../../../lib/session';

export type EventsPage =
  | { readonly events: readonly Event[]; readonly nextPageToken: string; readonly problem?: undefined }
  | { readonly problem: FilterProblem };

export async function loadEvents(view: AuditView): Promise<EventsPage> {
  const size = pageSizeOf(view.size);
  if (isFilterProblem(size)) return { problem: size };
  const request = listEventsRequest(view, size, view.page);
  if (isFilterProblem(request)) return { problem: request };
  try {
    const { events, nextPageToken } = await callAsStaff('listEvents', request);
    return { events, nextPageToken };
  } catch (error) {
    const problem = problemOf(error);
    if (problem === undefined) throw error;
    return { problem };
  }
}

/** What a refused ListEvents means for the person at the form; undefined: not theirs to fix. */
export function problemOf(error: unknown): FilterProblem | undefined {
  if (isGrpcError(error, status.INVALID_ARGUMENT)) {
    const field = fieldOfProblem(error.details) ?? 'filters';
    // An altered or foreign page token: the filters changed under it.
    if (field === 'page_token')
      return { field, message: 'This page link no longer fits its filters: start from the first page.' };
    return { field, message: error.details };
  }
  if (isGrpcError(error, status.PERMISSION_DENIED)) {
    return {
      field: 'key_set',
      message: 'Your role reads the events of key sets, not of the whole service: choose a key set (or a kid).',
    };
  }
  if (isGrpcError(error, status.NOT_FOUND)) return { field: 'filters', message: error.details };
  return undefined;
}
