import { timelineView } from '../../../../lib/key-set-page';
import type { RangeName } from '../../../../lib/timeline';
import { IntervalTable } from './interval-table';
import { RangePresets } from './range-presets';
import { TimelineChart } from './timeline-chart';
import { TimelineLegend } from './timeline-legend';

export async function TimelineSection({ keySet, range }: { keySet: string; range: RangeName }) {
  const { chart, timeline } = await timelineView(keySet, range);
  return (
    <section aria-labelledby="timeline-heading">
      <h2 id="timeline-heading">Lifecycle</h2>
      <RangePresets keySet={keySet} range={range} />
      <TimelineLegend />
      {chart.kids.length === 0 ? (
        <p className="muted">No key has a state in this range.</p>
      ) : (
        <TimelineChart data={chart} keySet={keySet} />
      )}
      <IntervalTable keySet={keySet} timeline={timeline} />
    </section>
  );
}
