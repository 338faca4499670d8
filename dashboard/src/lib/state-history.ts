// One key's state intervals from GetKeyTimeline, as rows of a history: what was, what is, and what
// the policy schedules.
import type { GetKeyTimelineResponse, KeyState } from '@keyward/proto/keyward/v1';

export type Phase = 'past' | 'current' | 'scheduled';

export interface StateRow {
  readonly state: KeyState;
  readonly start: Date;
  /** Undefined while open-ended. */
  readonly end: Date | undefined;
  readonly phase: Phase;
}

export interface KeyHistory {
  readonly kid: string;
  readonly state: KeyState;
  readonly rows: StateRow[];
}

/** The key's history in time order, or undefined when the timeline has no such kid. */
export function keyHistory(timeline: GetKeyTimelineResponse, kid: string, now: Date): KeyHistory | undefined {
  const key = timeline.keys.find((candidate) => candidate.kid === kid);
  if (key === undefined) return undefined;
  const rows = key.intervals
    .filter((interval) => interval.start !== undefined)
    .map((interval): StateRow => {
      const start = interval.start!;
      const ended = interval.end !== undefined && interval.end.getTime() <= now.getTime();
      const phase: Phase = interval.scheduled ? 'scheduled' : ended ? 'past' : 'current';
      return { state: interval.state, start, end: interval.end, phase };
    })
    .sort((a, b) => a.start.getTime() - b.start.getTime());
  return { kid: key.kid, state: key.state, rows };
}
