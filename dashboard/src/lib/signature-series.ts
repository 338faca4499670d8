// The key page's signature chart: which window `?range=` asks for, and GetSignatureStats' answer
// turned into bars plus the words a screen reader (or a hurried reader) needs: total and peak.
import type { StatsSeries } from '@keyward/proto/keyward/v1';

export const SIGNATURE_RANGES = {
  '24h': { label: 'last 24 hours', spanMs: 86_400_000, stepSeconds: 15 * 60 },
  '7d': { label: 'last 7 days', spanMs: 7 * 86_400_000, stepSeconds: 2 * 3_600 },
} as const;

export type SignatureRange = keyof typeof SIGNATURE_RANGES;

export const DEFAULT_SIGNATURE_RANGE: SignatureRange = '24h';

/** `?range=` as given (a repeated parameter counts by its first value); the default otherwise. */
export function signatureRangeOf(value: string | string[] | undefined): SignatureRange {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== undefined && Object.hasOwn(SIGNATURE_RANGES, first)
    ? (first as SignatureRange)
    : DEFAULT_SIGNATURE_RANGE;
}

export interface SignatureWindow {
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
}

/** The range ending at the end of the step `now` falls in, so bars keep their edges between loads. */
export function signatureWindow(range: SignatureRange, now: Date): SignatureWindow {
  const { spanMs, stepSeconds } = SIGNATURE_RANGES[range];
  const stepMs = stepSeconds * 1_000;
  const to = Math.ceil((now.getTime() + 1) / stepMs) * stepMs;
  return { from: new Date(to - spanMs), to: new Date(to), stepSeconds };
}

export interface SignatureSummary {
  /** [step start in ms, signatures]: every step of the window, zeros included. */
  readonly points: [number, number][];
  readonly total: number;
  /** The busiest step (the earliest of equals); undefined when nothing was signed. */
  readonly peak: { readonly at: number; readonly count: number } | undefined;
}

/** All series added up per step (the page asks for one kid, so there is one series or none). */
export function summarizeSignatures(series: readonly StatsSeries[], window: SignatureWindow): SignatureSummary {
  const stepMs = window.stepSeconds * 1_000;
  const steps = Math.ceil((window.to.getTime() - window.from.getTime()) / stepMs);
  const counts = new Array<number>(steps).fill(0);
  for (const { points } of series) {
    for (const point of points) {
      if (point.start === undefined) continue;
      const step = Math.floor((point.start.getTime() - window.from.getTime()) / stepMs);
      if (step >= 0 && step < steps) counts[step] = (counts[step] ?? 0) + Number(point.count);
    }
  }
  let total = 0;
  let peak: SignatureSummary['peak'];
  const points = counts.map((count, step): [number, number] => {
    const at = window.from.getTime() + step * stepMs;
    total += count;
    if (count > 0 && (peak === undefined || count > peak.count)) peak = { at, count };
    return [at, count];
  });
  return { points, total, peak };
}
