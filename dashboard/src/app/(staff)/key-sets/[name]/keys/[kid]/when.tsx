import { relativeTime } from '../../../../../../lib/format';

/** "2030-01-01 12:00:00 UTC", with "(3 days ago)" against the service's now. */
export function When({ at, now }: { at: Date | undefined; now: Date }) {
  if (at === undefined) return <span className="muted">—</span>;
  const iso = at.toISOString();
  return (
    <time dateTime={iso}>
      {iso.slice(0, 19).replace('T', ' ')} UTC <span className="muted">({relativeTime(at, now)})</span>
    </time>
  );
}
