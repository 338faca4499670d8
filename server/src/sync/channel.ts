// What replicas tell each other through PostgreSQL NOTIFY. Writers send a notice inside their write
// transaction (`SELECT pg_notify('keyward_changes', payload)`), so it is delivered only on commit.

export const CHANGES_CHANNEL = 'keyward_changes';

/** One key set changed, or the access tokens changed. */
export type ChangeNotice = { readonly keySet: string } | { readonly tokens: true };

export function encodeChangeNotice(notice: ChangeNotice): string {
  return 'keySet' in notice ? JSON.stringify({ keySet: notice.keySet }) : JSON.stringify({ tokens: true });
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
  if (typeof keySet === 'string' && keySet !== '') return { keySet };
  if (tokens === true) return { tokens: true };
  return undefined;
}
