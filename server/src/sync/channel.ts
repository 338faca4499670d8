// What replicas tell each other through PostgreSQL NOTIFY. Writers send a notice inside their write
// transaction (`SELECT pg_notify('keyward_changes', payload)`), so it is delivered only on commit.

export const CHANGES_CHANNEL = 'keyward_changes';

/**
 * One key set changed, or the access tokens changed. `at`: when the writer sent it, just before
 * its commit (to measure how long replicas take to follow); notices of older writers have none.
 */
export type ChangeNotice = ({ readonly keySet: string } | { readonly tokens: true }) & { readonly at?: Date };

export function encodeChangeNotice(notice: ChangeNotice): string {
  const at = notice.at === undefined ? {} : { at: notice.at.getTime() };
  return JSON.stringify('keySet' in notice ? { keySet: notice.keySet, ...at } : { tokens: true, ...at });
}

/**
 * The notice a payload carries, or undefined when it is not one this version understands
 * (malformed, or a kind added by a newer replica). Never throws: payloads come from the network.
 */
export function parseChangeNotice(payload: string): ChangeNotice | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const fields = value as Record<string, unknown>;
  const keySet = Object.hasOwn(fields, 'keySet') ? fields.keySet : undefined;
  const tokens = Object.hasOwn(fields, 'tokens') ? fields.tokens : undefined;
  // A payload naming both kinds is ambiguous, so it is not trusted. Other fields are ignored: a
  // newer writer may add detail, and missing an invalidation is worse than one reload too many.
  if (keySet !== undefined && tokens !== undefined) return undefined;
  // A time that is not one is dropped, not fatal: the notice still invalidates.
  const at = Object.hasOwn(fields, 'at') ? timeOf(fields.at) : undefined;
  const when = at === undefined ? {} : { at };
  if (typeof keySet === 'string' && keySet !== '') return { keySet, ...when };
  if (tokens === true) return { tokens: true, ...when };
  return undefined;
}

/** Milliseconds since the epoch, as Date accepts them. */
function timeOf(value: unknown): Date | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
