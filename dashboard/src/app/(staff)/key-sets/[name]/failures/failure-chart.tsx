'use client';
// The failures over time, stacked by series, with the key set's lifecycle events as vertical
// markers on the same time axis. Clicking a bar opens the drill-down of its step (a URL, so the
// server renders it; the table under the chart offers the same links to keyboard users).
import { useRouter } from 'next/navigation';
import { useCallback, useMemo } from 'react';
import { Chart, type ChartEvent, type ChartOption } from '../../../../../components/chart';
import { shortKid, type FailureSeries } from '../../../../../lib/failure-series';
import styles from './failures.module.css';

export interface FailureChartProps {
  readonly label: string;
  readonly data: FailureSeries;
  readonly from: number;
  readonly to: number;
  /** Series names are kids: shorten them in the legend. */
  readonly kidNames: boolean;
  /** The page's URL without `at`, ending in "?…&" or "?", to which `at=<iso>` is added. */
  readonly drillBase: string;
}

/** One line per instant: a rotation retires one key and activates another in the same moment. */
function markerLines(markers: FailureSeries['markers']): { name: string; xAxis: number }[] {
  const byTime = new Map<number, string[]>();
  for (const marker of markers) byTime.set(marker.at, [...(byTime.get(marker.at) ?? []), marker.label]);
  return [...byTime].map(([at, labels]) => ({ name: labels.join(' · '), xAxis: at }));
}

export function FailureChart({ label, data, from, to, kidNames, drillBase }: FailureChartProps) {
  const router = useRouter();
  const option = useMemo((): ChartOption => {
    const half = (data.stepSeconds * 1_000) / 2;
    const bars = data.series.map((series) => ({
      type: 'bar',
      name: series.name,
      stack: 'failures',
      // A bar stands in the middle of its step, so that it covers the step on the time axis.
      data: data.stepStarts.map((start, index) => [start + half, series.values[index]]),
      emphasis: { focus: 'series' },
    }));
    const markers = {
      type: 'line',
      name: 'Lifecycle events',
      data: [],
      silent: true,
      markLine: {
        symbol: ['none', 'none'],
        silent: true,
        lineStyle: { type: 'dashed', width: 1.5 },
        label: { formatter: '{b}', position: 'insideEndTop', fontSize: 11 },
        data: markerLines(data.markers),
      },
    };
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: {
        type: 'scroll',
        top: 0,
        data: data.series.map(({ name }) => name),
        formatter: (name: string) => (kidNames ? shortKid(name, 12) : name),
      },
      grid: { left: 48, right: 16, top: 40, bottom: 32, containLabel: true },
      xAxis: { type: 'time', min: from, max: to },
      yAxis: { type: 'value', minInterval: 1, name: 'failures' },
      series: [...bars, markers],
    };
  }, [data, from, to, kidNames]);

  const onItemClick = useCallback(
    (event: ChartEvent) => {
      if (event.seriesType !== 'bar' || typeof event.dataIndex !== 'number') return;
      const start = data.stepStarts[event.dataIndex];
      if (start === undefined) return;
      router.push(`${drillBase}at=${encodeURIComponent(new Date(start).toISOString())}#drill-down`);
    },
    [data, drillBase, router],
  );

  return (
    <Chart label={label} option={option} className={styles.chart!} onItemClick={onItemClick} testId="failure-chart" />
  );
}
