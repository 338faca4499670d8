'use client';
// The lifecycle timeline: one row per key, its state intervals as bars (scheduled ones dashed and
// pale), a "now" line, and rotation/activation/revocation markers. The option is built here, in
// the browser, because its renderers and formatters are functions.
import * as echarts from 'echarts/core';
import { useRouter } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { Chart, type ChartEvent, type ChartOption } from '../../../../components/chart';
import type { MarkerKind, TimelineChartData } from '../../../../lib/timeline';
import styles from './timeline.module.css';

/** Mid-tone colours, readable on the light and the dark background alike. */
export const STATE_COLOURS: Readonly<Record<string, string>> = {
  pending: '#d49a0c',
  active: '#2e9d5b',
  retired: '#4a7fc1',
  expired: '#8a8f98',
  destroyed: '#5b5f66',
  revoked: '#d64545',
};
const UNKNOWN_COLOUR = '#a0a0a0';
const NOW_COLOUR = '#9333ea';

const MARKERS: Readonly<Record<MarkerKind, { label: string; colour: string; sides: number }>> = {
  rotation: { label: 'rotation requested', colour: '#0ea5e9', sides: 0 },
  activation: { label: 'activated', colour: '#16a34a', sides: 3 },
  revocation: { label: 'revoked', colour: '#dc2626', sides: 4 },
};

/** Rows shown at once before the rows scroll (a vertical zoom bar). */
const VISIBLE_ROWS = 24;

type RenderApi = { value(dim: number): number; coord(point: number[]): number[]; size(point: number[]): number[] };
type RenderParams = { coordSys: { x: number; y: number; width: number; height: number } };

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const shortKid = (kid: string) => (kid.length > 14 ? `${kid.slice(0, 12)}…` : kid);

/** What the chart shows, in a sentence: its accessible name (the interval table has the details). */
export function timelineLabel(data: TimelineChartData, keySet: string): string {
  return (
    `Lifecycle timeline of key set ${keySet}: ${data.kids.length} keys, ${data.range} from ${iso(data.fromMs)} ` +
    `to ${iso(data.toMs)}. The table "Timeline as a table" lists every interval.`
  );
}

function timelineOption(data: TimelineChartData, label: string): ChartOption {
  const states = [...new Set(data.bars.map((bar) => bar.state))];
  const bars = data.bars.map((bar) => ({
    value: [bar.row, bar.startMs, bar.endMs, states.indexOf(bar.state), bar.scheduled ? 1 : 0],
    bar,
  }));
  const markers = data.markers
    .filter((marker) => marker.row !== undefined)
    .map((marker) => ({ value: [marker.atMs, marker.row!], marker }));
  const manyRows = data.kids.length > VISIBLE_ROWS;
  return {
    // ECharts' own description would read out raw numbers and replace the chart's label.
    aria: { enabled: true, label: { description: label } },
    grid: { left: 110, right: manyRows ? 40 : 20, top: 24, bottom: 56 },
    xAxis: {
      type: 'time',
      min: data.fromMs,
      max: data.toMs,
      axisLabel: {
        hideOverlap: true,
        formatter: { year: '{yyyy}', month: '{MMM} {yyyy}', day: '{MMM} {d}', hour: '{HH}:{mm}', minute: '{HH}:{mm}' },
      },
    },
    yAxis: {
      type: 'category',
      data: data.kids.map(shortKid),
      inverse: true,
      axisTick: { show: false },
      axisLabel: { fontFamily: 'monospace' },
    },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'weakFilter' },
      { type: 'slider', xAxisIndex: 0, filterMode: 'weakFilter', height: 18, bottom: 8 },
      ...(manyRows
        ? [
            {
              type: 'slider',
              yAxisIndex: 0,
              filterMode: 'weakFilter',
              width: 14,
              right: 8,
              startValue: 0,
              endValue: VISIBLE_ROWS - 1,
            },
          ]
        : []),
    ],
    tooltip: {
      trigger: 'item',
      formatter: (params: { data: (typeof bars)[number] | (typeof markers)[number] }) => {
        if ('bar' in params.data) {
          const { bar } = params.data;
          const kid = data.kids[bar.row] ?? '';
          const end = bar.clippedEnd ? `${iso(bar.endMs)} and on` : iso(bar.endMs);
          const start = bar.clippedStart ? `before ${iso(bar.startMs)}` : iso(bar.startMs);
          // Plain text: the tooltip is drawn in the SVG (components/chart.tsx), not as HTML.
          return [`${bar.state}${bar.scheduled ? ' (scheduled)' : ''}`, kid, `start ${start}`, `end ${end}`].join('\n');
        }
        const { marker } = params.data;
        return [MARKERS[marker.kind].label, marker.kid, iso(marker.atMs), `by ${marker.actor}`].join('\n');
      },
    },
    series: [
      {
        name: 'intervals',
        type: 'custom',
        encode: { x: [1, 2], y: 0 },
        data: bars,
        renderItem: (params: RenderParams, api: RenderApi) => {
          const row = api.value(0);
          const start = api.coord([api.value(1), row]);
          const end = api.coord([api.value(2), row]);
          const height = api.size([0, 1])[1]! * 0.6;
          const shape = echarts.graphic.clipRectByRect(
            { x: start[0]!, y: start[1]! - height / 2, width: end[0]! - start[0]!, height },
            params.coordSys,
          );
          if (shape === undefined) return null;
          const colour = STATE_COLOURS[states[api.value(3)] ?? ''] ?? UNKNOWN_COLOUR;
          const scheduled = api.value(4) === 1;
          return {
            type: 'rect',
            shape,
            style: scheduled
              ? { fill: colour, opacity: 0.35, stroke: colour, lineWidth: 1.5, lineDash: [5, 3] }
              : { fill: colour },
          };
        },
        markLine: {
          silent: true,
          symbol: 'none',
          data: [{ xAxis: data.nowMs }],
          label: { formatter: 'now', position: 'end', color: NOW_COLOUR },
          lineStyle: { color: NOW_COLOUR, type: 'solid', width: 2 },
        },
      },
      {
        name: 'events',
        type: 'custom',
        encode: { x: 0, y: 1 },
        data: markers,
        z: 3,
        renderItem: (_params: RenderParams, api: RenderApi) => {
          const [x, y] = api.coord([api.value(0), api.value(1)]);
          const kind = markers[(_params as unknown as { dataIndex: number }).dataIndex]?.marker.kind ?? 'rotation';
          const { colour, sides } = MARKERS[kind];
          const style = { fill: colour, stroke: '#fff', lineWidth: 1 };
          return sides === 0
            ? { type: 'circle', shape: { cx: x, cy: y, r: 5 }, style }
            : { type: 'polygon', shape: { points: polygon(x!, y!, 6, sides) }, style };
        },
      },
    ],
  };
}

function polygon(cx: number, cy: number, r: number, sides: number): number[][] {
  return Array.from({ length: sides }, (_, i) => {
    const angle = -Math.PI / 2 + (i * 2 * Math.PI) / sides;
    return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
  });
}

function heightClass(rows: number): string {
  if (rows <= 4) return styles.small!;
  if (rows <= 12) return styles.medium!;
  return styles.large!;
}

export function TimelineChart({ data, keySet }: { data: TimelineChartData; keySet: string }) {
  const router = useRouter();
  const label = timelineLabel(data, keySet);
  const option = useMemo(() => timelineOption(data, label), [data, label]);
  // A bar or a marker leads to its key's page.
  const open = useCallback(
    (event: ChartEvent) => {
      const item = event.data as { bar?: { row: number }; marker?: { kid: string } } | undefined;
      const kid = item?.marker?.kid ?? (item?.bar === undefined ? undefined : data.kids[item.bar.row]);
      if (kid !== undefined) router.push(`/key-sets/${encodeURIComponent(keySet)}/keys/${encodeURIComponent(kid)}`);
    },
    [data, keySet, router],
  );
  return (
    <Chart
      label={label}
      option={option}
      className={heightClass(data.kids.length)}
      onItemClick={open}
      testId="timeline-chart"
    />
  );
}
