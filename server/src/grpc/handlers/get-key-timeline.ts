import type { GetKeyTimelineRequest, GetKeyTimelineResponse } from '@keyward/proto/keyward/v1';
import { projectTimeline } from '../../lifecycle/timeline.js';
import { factsOf } from '../../service/facts.js';
import type { KeyManager } from '../../service/key-manager.js';
import { validateKeySetName } from '../../model/names.js';
import { wireState } from '../messages.js';

export function getKeyTimeline(manager: KeyManager, request: GetKeyTimelineRequest): GetKeyTimelineResponse {
  const view = manager.view(validateKeySetName(request.keySet, 'key_set'));
  const now = manager.now();
  const timelines = projectTimeline(factsOf(view.keySet, view.keys), now);
  return {
    now,
    keys: view.keys.map((key, index) => ({
      kid: key.kid,
      alg: key.alg,
      state: wireState(key.state),
      intervals: (timelines[index]?.intervals ?? []).map((interval) => ({
        state: wireState(interval.state),
        start: interval.start,
        end: interval.end ?? undefined,
        scheduled: interval.scheduled,
      })),
    })),
  };
}
