'use client';
// A key set's last 24 hours of verification failures as a small line, its lifecycle events as
// dashed vertical markers. No axes: the overview only needs the shape and where rotations fell.
import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../../components/chart';
import type { LifecycleMarker } from '../../../lib/failure-series';
import styles from './overview.module.css';

export interface FailureSparklineProps {
  readonly label: string;
  readonly stepSeconds: number;
  readonly stepStarts: readonly number[];
  readonly totals: readonly number[];
  readonly markers: readonly LifecycleMarker[];
  readonly testId: string;
}

export function FailureSparkline({ label, stepSeconds, stepStarts, totals, markers, testId }: FailureSparklineProps) {
  const option = useMemo((): ChartOption => {
    const half = (stepSeconds * 1_000) / 2;
    const first = stepStarts[0] ?? 0;
    const last = (stepStarts.at(-1) ?? first) + stepSeconds * 1_000;
    return {
      grid: { left: 2, right: 2, top: 4, bottom: 4 },
      xAxis: { type: 'time', min: first, max: last, show: false },
      yAxis: { type: 'value', show: false, min: 0, minInterval: 1 },
      tooltip: { trigger: 'axis' },
      series: [
        {
          type: 'line',
          name: 'failures',
          showSymbol: false,
          lineStyle: { width: 1.5 },
          areaStyle: { opacity: 0.2 },
          data: stepStarts.map((start, index) => [start + half, totals[index]]),
          markLine: {
            symbol: ['none', 'none'],
            silent: true,
            label: { show: false },
            lineStyle: { type: 'dashed', width: 1 },
            data: markers.map((marker) => ({ name: marker.label, xAxis: marker.at })),
          },
        },
      ],
    };
  }, [stepSeconds, stepStarts, totals, markers]);
  return <Chart label={label} option={option} className={styles.sparkline!} testId={testId} />;
}
