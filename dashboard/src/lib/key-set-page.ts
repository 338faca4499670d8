// What the key set page reads: the timeline shaped for the chart (one GetKeyTimeline plus the
// marker events of the range, never a call per key), readiness, and both copies of the JWKS.
import 'server-only';
import type { Event, GetKeyTimelineResponse } from '@keyward/proto/keyward/v1';
import { cache } from 'react';
import { keyStateName } from './format';
import { callAsStaff } from './session';
import { MARKER_EVENT_TYPES, shapeTimeline, timelineWindow, type RangeName, type TimelineChartData } from './timeline';

/** Bounds the audit pages read per marker type (500 each): a year of rotations fits many times over. */
const MAX_EVENT_PAGES = 10;

export const keyTimeline = cache(async (name: string): Promise<GetKeyTimelineResponse> =>
  callAsStaff('getKeyTimeline', { keySet: name }),
);

async function eventsOfType(name: string, type: string, from: Date, to: Date): Promise<Event[]> {
  const events: Event[] = [];
  let pageToken = '';
  for (let page = 0; page < MAX_EVENT_PAGES; page += 1) {
    const response = await callAsStaff('listEvents', {
      keySet: name,
      kid: '',
      type,
      from,
      to,
      pageSize: 500,
      pageToken,
    });
    events.push(...response.events);
    pageToken = response.nextPageToken;
    if (pageToken === '') break;
  }
  return events;
}

export interface TimelineView {
  readonly chart: TimelineChartData;
  readonly timeline: GetKeyTimelineResponse;
}

export async function timelineView(name: string, range: RangeName): Promise<TimelineView> {
  const timeline = await keyTimeline(name);
  const now = timeline.now ?? new Date();
  const window = timelineWindow(now.getTime(), range);
  const from = new Date(window.fromMs);
  const to = new Date(window.toMs);
  const events = (
    await Promise.all(Object.keys(MARKER_EVENT_TYPES).map((type) => eventsOfType(name, type, from, to)))
  ).flat();
  const input = {
    now,
    keys: timeline.keys.map((key) => ({
      kid: key.kid,
      intervals: key.intervals.map((interval) => ({ ...interval, state: keyStateName(interval.state) })),
    })),
  };
  return { chart: shapeTimeline(input, events, range), timeline };
}
