// Reads a /metrics exposition with an independent parser of the Prometheus text format, and finds
// samples in it.
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export type Families = ReturnType<typeof parsePrometheusTextFormat>;
export type Sample = Families[number]['metrics'][number];

export function parseExposition(text: string): Families {
  return parsePrometheusTextFormat(text);
}

export function family(families: Families, name: string): Families[number] | undefined {
  return families.find((candidate) => candidate.name === name);
}

/** The sample of `name` whose labels include `labels`; undefined when there is none. */
export function sample(families: Families, name: string, labels: Record<string, string> = {}): Sample | undefined {
  return family(families, name)?.metrics.find((candidate) =>
    Object.entries(labels).every(([label, value]) => candidate.labels?.[label] === value),
  );
}

/** A counter's or gauge's value (0 when the sample is absent); a histogram's count. */
export function valueOf(families: Families, name: string, labels: Record<string, string> = {}): number {
  const found = sample(families, name, labels);
  if (found === undefined) return 0;
  return Number(found.value ?? found.count);
}
