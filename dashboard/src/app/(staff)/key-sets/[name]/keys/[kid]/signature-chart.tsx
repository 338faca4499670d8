'use client';
// Signatures per step as bars on a time axis. The option is built here, in the browser: its
// formatters are functions, which cannot cross from a server component.
import { useMemo } from 'react';
import { Chart, type ChartOption } from '../../../../../../components/chart';
import styles from './key.module.css';

export interface SignatureChartProps {
  readonly label: string;
  /** [step start in ms, signatures]. */
  readonly points: [number, number][];
  readonly stepSeconds: number;
}

const stepText = new Intl.DateTimeFormat('en', {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
  timeZone: 'UTC',
});

export function SignatureChart({ label, points, stepSeconds }: SignatureChartProps) {
  const option = useMemo<ChartOption>(
    () => ({
      // The page says UTC everywhere; so does the chart.
      useUTC: true,
      grid: { left: 48, right: 16, top: 32, bottom: 40 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: unknown) => `${String(value)} signatures`,
        axisPointer: { type: 'shadow' },
      },
      xAxis: {
        type: 'time',
        axisLabel: {
          hideOverlap: true,
          formatter: { year: '{yyyy}', month: '{MMM}', day: '{MMM} {d}', hour: '{HH}:{mm}', minute: '{HH}:{mm}' },
        },
      },
      yAxis: { type: 'value', minInterval: 1, name: 'signatures', nameGap: 8 },
      series: [
        {
          type: 'bar',
          name: 'Signatures',
          data: points,
          barWidth: '80%',
          // Bars sit at the start of their step; the tooltip names the step's span.
          encode: { x: 0, y: 1 },
          tooltip: {
            valueFormatter: (value: unknown) => `${String(value)} signatures`,
          },
        },
      ],
      aria: {
        enabled: true,
        label: {
          description: `${label}. ${points.length} steps of ${stepSeconds / 60} minutes, times in UTC: ${points
            .filter(([, count]) => count > 0)
            .map(([at, count]) => `${stepText.format(at)}: ${count}`)
            .join('; ')}.`,
        },
      },
    }),
    [label, points, stepSeconds],
  );
  return <Chart label={label} option={option} className={styles.chart!} testId="signature-chart" />;
}
