import Link from 'next/link';
import { SIGNATURE_RANGES, signatureRangeOf } from '../../../../../../lib/signature-series';
import { EventsSection } from './events-section';
import { FailuresSection } from './failures-section';
import { KeyMaterialSection } from './key-material-section';
import { loadKeyPage } from './load';
import { SignatureSection } from './signature-section';
import { StateHistorySection } from './state-history-section';

interface KeyPageProps {
  readonly params: Promise<{ name: string; kid: string }>;
  readonly searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** One key: its public forms, its life, how much it signs, what happened to it, what fails with it. */
export default async function KeyPage({ params, searchParams }: KeyPageProps) {
  const { name, kid } = await params;
  const query = await searchParams;
  const range = signatureRangeOf(query.range);
  const eventsToken = (Array.isArray(query.events) ? query.events[0] : query.events) ?? '';
  const data = await loadKeyPage(name, kid, range, eventsToken);
  return (
    <main>
      <p className="muted">
        <Link href={`/key-sets/${encodeURIComponent(name)}`}>{name}</Link> / key
      </p>
      <h1>
        Key <code>{kid}</code>
      </h1>
      <KeyMaterialSection keyRecord={data.key} material={data.material} />
      <StateHistorySection history={data.history} now={data.now} />
      <SignatureSection
        keySet={name}
        kid={kid}
        range={range}
        eventsToken={eventsToken}
        window={data.window}
        signatures={data.signatures}
        now={data.now}
      />
      <FailuresSection diagnosis={data.failures} rangeLabel={SIGNATURE_RANGES[range].label} />
      <EventsSection
        keySet={name}
        kid={kid}
        range={range}
        eventsToken={eventsToken}
        page={data.events}
        now={data.now}
      />
    </main>
  );
}
