import type { GetRotationReadinessResponse } from '@keyward/proto/keyward/v1';

/** Rotation readiness in a few words: who has the pending key, against the hold if any. */
export function ReadinessCell({ readiness }: { readiness: GetRotationReadinessResponse | undefined }) {
  if (readiness === undefined) return <span className="muted">unavailable</span>;
  if (readiness.pendingKid === '') return <span className="muted">no key pending</span>;
  const hold = readiness.minShare > 0 ? `hold ${Math.round(readiness.minShare * 100)}%` : 'no hold';
  if (readiness.clientsSeen === 0) return <span>no client seen in 24 h ({hold})</span>;
  return (
    <span data-testid="readiness">
      {Math.round(readiness.share * 100)}% of {readiness.clientsSeen} clients have it ({hold})
    </span>
  );
}
