'use client';
// The one wrapper around ECharts: every chart of the dashboard is an option handed to this
// component. It registers only the parts the dashboard draws (a smaller bundle), follows the
// browser's colour scheme, resizes with its box, and names the chart for screen readers (ECharts'
// aria module adds a description of the data; `label` says what the chart is).
import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import {
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef, useSyncExternalStore } from 'react';

echarts.use([
  BarChart,
  CustomChart,
  LineChart,
  AriaComponent,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  SVGRenderer,
]);

export type ChartOption = echarts.EChartsCoreOption;
export type ChartEvent = echarts.ECElementEvent;

const DARK = '(prefers-color-scheme: dark)';

function subscribeToScheme(onChange: () => void): () => void {
  const query = window.matchMedia(DARK);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

function useDarkScheme(): boolean {
  return useSyncExternalStore(
    subscribeToScheme,
    () => window.matchMedia(DARK).matches,
    () => false,
  );
}

export interface ChartProps {
  /** What the chart shows, for screen readers (the chart's accessible name). */
  readonly label: string;
  readonly option: ChartOption;
  /**
   * A class that gives the chart's box its height (its width is its container's). Not a `style`
   * prop: a server-rendered style attribute is inline style, which the CSP refuses.
   */
  readonly className: string;
  /** Called with the data item a user clicks (a bar, a point, a marker). */
  readonly onItemClick?: (event: ChartEvent) => void;
  readonly testId?: string;
}

export function Chart({ label, option, className, onItemClick, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  const dark = useDarkScheme();

  // A new colour scheme needs a new instance (the theme is fixed at init).
  useEffect(() => {
    const element = box.current!;
    const instance = echarts.init(element, dark ? 'dark' : undefined, { renderer: 'svg' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, [dark]);

  useEffect(() => {
    chart.current?.setOption(
      // ECharts' aria module writes the box's aria-label itself: hand it our label, or its generated
      // list of raw values (timestamps and all) replaces the one rendered on the server.
      {
        backgroundColor: 'transparent',
        aria: { enabled: true, label: { description: label } },
        animation: false,
        ...option,
        // An HTML tooltip is styled through style attributes, which the CSP refuses: every
        // tooltip is drawn inside the SVG instead.
        ...(option.tooltip === undefined ? {} : { tooltip: { ...option.tooltip, renderMode: 'richText' } }),
      },
      { notMerge: true },
    );
  }, [option, label, dark]);

  useEffect(() => {
    const instance = chart.current;
    if (instance === undefined || onItemClick === undefined) return;
    instance.on('click', onItemClick);
    return () => {
      instance.off('click', onItemClick);
    };
  }, [onItemClick, dark]);

  return <div ref={box} className={`chart ${className}`} role="figure" aria-label={label} data-testid={testId} />;
}
