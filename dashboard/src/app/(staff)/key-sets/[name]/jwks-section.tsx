import { compareJwks, prettyJson } from '../../../../lib/jwks-compare';
import { fetchLiveJwks, type LiveJwks } from '../../../../lib/live-jwks';
import { callAsStaff } from '../../../../lib/session';
import { JwksVerdictLine } from './jwks-verdict';
import styles from './jwks.module.css';

type Served = Extract<LiveJwks, { ok: true }>;

function ServedHeaders({ served }: { served: Served }) {
  const rows: [string, string | undefined][] = [
    ['Status', String(served.status)],
    ['ETag', served.etag],
    ['Cache-Control', served.cacheControl],
    ['Age', served.age],
    ['Last-Modified', served.lastModified],
    ['Content-Type', served.contentType],
    ['Length', `${served.byteLength} bytes`],
  ];
  return (
    <dl className={styles.headers} data-testid="served-headers">
      {rows
        .filter(([, value]) => value !== undefined)
        .map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>
              <code data-testid={`served-${name.toLowerCase()}`}>{value}</code>
            </dd>
          </div>
        ))}
    </dl>
  );
}

/** The JWKS as served at jwks_uri (bytes and headers) beside what the service publishes (GetJWKS). */
export async function JwksSection({ keySet, jwksUri }: { keySet: string; jwksUri: string }) {
  const [served, published] = await Promise.all([fetchLiveJwks(jwksUri), callAsStaff('getJwks', { keySet })]);
  const publishedBytes = new TextEncoder().encode(published.jwksJson).byteLength;
  return (
    <section aria-labelledby="jwks-heading" data-testid="jwks">
      <h2 id="jwks-heading">JWKS</h2>
      {served.ok ? (
        <JwksVerdictLine verdict={compareJwks({ etag: served.etag, body: served.body }, published)} />
      ) : (
        <p className={styles.unreachable} role="status" data-testid="jwks-unreachable">
          The live JWKS could not be fetched from {served.url}: {served.error}. What the service publishes is shown
          below.
        </p>
      )}
      <div className={styles.columns}>
        <div>
          <h3>As served</h3>
          <p className="muted">
            <code>{served.url}</code>
          </p>
          {served.ok && (
            <>
              <ServedHeaders served={served} />
              <pre className={styles.document} data-testid="served-pretty" tabIndex={0}>
                {prettyJson(served.body)}
              </pre>
              <details>
                <summary>Raw bytes ({served.byteLength})</summary>
                <pre className={styles.document} data-testid="served-raw" tabIndex={0}>
                  {served.body}
                </pre>
              </details>
            </>
          )}
        </div>
        <div>
          <h3>In the database</h3>
          <p className="muted">GetJWKS: what every replica publishes once it has loaded the latest keys.</p>
          <dl className={styles.headers}>
            <div>
              <dt>ETag</dt>
              <dd>
                <code data-testid="published-etag">{published.etag}</code>
              </dd>
            </div>
            <div>
              <dt>Length</dt>
              <dd>
                <code>{publishedBytes} bytes</code>
              </dd>
            </div>
          </dl>
          {served.ok && served.body === published.jwksJson ? (
            <p data-testid="published-same-bytes">The same bytes as served.</p>
          ) : (
            <pre className={styles.document} data-testid="published-pretty" tabIndex={0}>
              {prettyJson(published.jwksJson)}
            </pre>
          )}
        </div>
      </div>
    </section>
  );
}
