import { status } from '@grpc/grpc-js';
import type { Key } from '@keyward/proto/keyward/v1';
import { notFound } from 'next/navigation';
import { KeySetActions } from '../../../../components/actions/key-set-actions';
import { Suspense } from 'react';
import { keySet as readKeySet, keysOf } from '../../../../lib/key-sets';
import { keyTimeline } from '../../../../lib/key-set-page';
import { isGrpcError } from '../../../../lib/keyward-client';
import { parseRange } from '../../../../lib/timeline';
import { JwksSection } from './jwks-section';
import { KeysTable } from './keys-table';
import { PolicySection } from './policy-section';
import { ReadinessSection } from './readiness-section';
import { TimelineSection } from './timeline-section';

interface PageProps {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function KeySetPage({ params, searchParams }: PageProps) {
  const [{ name }, { range }] = await Promise.all([params, searchParams]);
  let keySet;
  let keys: Key[];
  let now: Date;
  try {
    const [found, listed, timeline] = await Promise.all([readKeySet(name), keysOf(name), keyTimeline(name)]);
    [keySet, keys, now] = [found, listed, timeline.now ?? new Date()];
  } catch (error) {
    if (isGrpcError(error, status.NOT_FOUND)) notFound();
    throw error;
  }
  if (keySet === undefined) notFound();
  return (
    <main>
      <h1>{keySet.name}</h1>
      <p className="muted">
        {keySet.algorithm} · issuer <code>{keySet.issuer}</code>
      </p>
      <TimelineSection keySet={keySet.name} range={parseRange(range)} />
      <PolicySection policy={keySet.policy} />
      <ReadinessSection keySet={keySet.name} now={now} />
      <Suspense fallback={<p className="muted">Fetching the live JWKS…</p>}>
        <JwksSection keySet={keySet.name} jwksUri={keySet.jwksUri} />
      </Suspense>
      <KeysTable keySet={keySet.name} keys={keys} />
      <a href={`/key-sets/${encodeURIComponent(keySet.name)}/failures`}>Failures</a>
      <KeySetActions name={keySet.name} />
    </main>
  );
}
