import type { Key } from '@keyward/proto/keyward/v1';
import { keyStateName } from '../../../../../../lib/format';
import type { KeyMaterial } from '../../../../../../lib/key-material';
import { CopyButton } from '../../../../../../components/copy-button';
import styles from './key.module.css';

/** What identifies the key, and its public half in the forms people paste into other systems. */
export function KeyMaterialSection({ keyRecord, material }: { keyRecord: Key; material: KeyMaterial }) {
  return (
    <section aria-labelledby="material">
      <h2 id="material">Public key</h2>
      <dl className={styles.facts}>
        <dt>Kid</dt>
        <dd>
          <code data-testid="kid">{keyRecord.kid}</code>
          <CopyButton value={keyRecord.kid} what="kid" testId="kid" />
        </dd>
        <dt>Algorithm</dt>
        <dd data-testid="alg">{keyRecord.alg}</dd>
        <dt>Use</dt>
        <dd data-testid="use">{keyRecord.use}</dd>
        <dt>State</dt>
        <dd data-testid="key-state">{keyStateName(keyRecord.state)}</dd>
        <dt>
          <abbr title="RFC 7638 JWK thumbprint, SHA-256, base64url">Thumbprint</abbr>
        </dt>
        <dd>
          <code data-testid="thumbprint">{material.thumbprint}</code>
          <CopyButton value={material.thumbprint} what="thumbprint" testId="thumbprint" />
        </dd>
      </dl>
      <div className={styles.material}>
        <PublicForm caption="JWK, as published in the JWKS" what="JWK" testId="jwk" text={material.jwkJson} />
        <PublicForm caption="PEM (SubjectPublicKeyInfo)" what="PEM" testId="pem" text={material.pem} />
      </div>
    </section>
  );
}

/** A block of text to read or copy whole; focusable, so a keyboard can scroll it. */
function PublicForm({ caption, what, testId, text }: { caption: string; what: string; testId: string; text: string }) {
  const captionId = `${testId}-caption`;
  return (
    <figure>
      <figcaption>
        <span id={captionId}>{caption}</span>
        <CopyButton value={text} what={what} testId={testId} />
      </figcaption>
      <pre className={styles.block} data-testid={testId} tabIndex={0} aria-labelledby={captionId}>
        {text}
      </pre>
    </figure>
  );
}
