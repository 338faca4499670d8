import type { JwksVerdict } from '../../../../lib/jwks-compare';
import styles from './jwks.module.css';

const kidList = (kids: readonly string[]) => kids.map((kid) => <code key={kid}>{kid} </code>);

/** One line: in sync, or how the served copy differs (a cache or CDN serving a stale JWKS). */
export function JwksVerdictLine({ verdict }: { verdict: JwksVerdict }) {
  if (verdict.inSync) {
    return (
      <p className={styles.inSync} role="status" data-testid="jwks-verdict">
        ✓ in sync: the served JWKS has the published ETag and the same kids.
      </p>
    );
  }
  return (
    <div className={styles.outOfSync} role="status" data-testid="jwks-verdict">
      <p>
        ✗ out of sync{verdict.sameEtag ? '' : ': the served ETag differs from the published one'}. A cache or CDN in
        front of the gateway may be serving a stale copy, or a replica has not loaded the latest keys yet.
      </p>
      {verdict.missingFromServed.length > 0 && <p>Published but not served: {kidList(verdict.missingFromServed)}</p>}
      {verdict.onlyInServed.length > 0 && <p>Served but no longer published: {kidList(verdict.onlyInServed)}</p>}
    </div>
  );
}
