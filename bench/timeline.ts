// The key set page's timeline shaping (dashboard/src/lib/timeline.ts) for a key set of 200 keys,
// each with a past and a scheduled life, and a year of marker events: it runs on every page view.
// The whole page, RPCs and rendering included, is timed by test/dashboard-key-set.test.ts.
import { shapeTimeline, type TimelineEventInput, type TimelineInput } from '../dashboard/src/lib/timeline.js';

const KEYS = 200;
const ROUNDS = 200;
const TARGET_MS = 5;

export function benchTimeline(): void {
  const now = Date.now();
  const hour = 3_600_000;
  const at = (hours: number) => new Date(now + hours * hour);
  const timeline: TimelineInput = {
    now: new Date(now),
    keys: Array.from({ length: KEYS }, (_, n) => {
      const born = -(KEYS - n) * 40;
      return {
        kid: `kid-${n}`,
        intervals: [
          { state: 'pending', start: at(born), end: at(born + 10), scheduled: false },
          { state: 'active', start: at(born + 10), end: at(born + 50), scheduled: false },
          { state: 'retired', start: at(born + 50), end: at(born + 200), scheduled: born + 50 > 0 },
          { state: 'expired', start: at(born + 200), end: undefined, scheduled: born + 200 > 0 },
        ],
      };
    }),
  };
  const events: TimelineEventInput[] = timeline.keys.flatMap((key) => [
    { type: 'key.rotation_requested', kid: key.kid, actor: 'scheduler', createdAt: key.intervals[0]!.start },
    { type: 'key.activated', kid: key.kid, actor: 'scheduler', createdAt: key.intervals[1]!.start },
  ]);
  for (let r = 0; r < 20; r += 1) shapeTimeline(timeline, events, 'year'); // warm up
  const start = process.hrtime.bigint();
  let bars = 0;
  for (let r = 0; r < ROUNDS; r += 1) bars = shapeTimeline(timeline, events, 'year').bars.length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6 / ROUNDS;
  console.log(
    `timeline: ${ms.toFixed(2)} ms to shape ${KEYS} keys (${bars} bars, ${events.length} events) for a year; ` +
      `target ${TARGET_MS} ms ${ms <= TARGET_MS ? 'OK' : 'ABOVE TARGET'}`,
  );
}
