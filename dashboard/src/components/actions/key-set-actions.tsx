import Link from 'next/link';
import { currentStaff } from '../../lib/session';
import styles from './actions.module.css';

/**
 * The actions the signed-in role may take on a key set, as links to their confirmation screens.
 * Viewers see none; the server refuses a forged request anyway.
 */
export async function KeySetActions({ name }: { name: string }) {
  const { role } = await currentStaff();
  if (role !== 'operator' && role !== 'admin') return null;
  const base = `/key-sets/${encodeURIComponent(name)}`;
  return (
    <nav aria-label="Key set actions" className={styles.links} data-testid="key-set-actions">
      <Link href={`${base}/rotate`}>Rotate…</Link>
      <Link href={`${base}/revoke`}>Revoke a key…</Link>
      {role === 'admin' ? <Link href={`${base}/policy`}>Edit policy…</Link> : null}
    </nav>
  );
}
