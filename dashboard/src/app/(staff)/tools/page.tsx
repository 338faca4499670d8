import { readableKeySets } from '../../../lib/key-sets';
import { CheckKey } from './check-key';
import { ConvertKey } from './convert-key';
import { GenerateKey } from './generate-key';
import { Thumbprint } from './thumbprint';
import styles from './tools.module.css';

/** Key tools that run in the browser: the server renders the page and, for a check, sends a JWKS. */
export default async function ToolsPage() {
  const keySetNames = (await readableKeySets()).map((keySet) => keySet.name);
  return (
    <main>
      <h1>JWK tools</h1>
      <p className={styles.banner} data-testid="tools-banner">
        <strong>Keys generated here never leave your browser.</strong> Generation, conversion and thumbprints run in
        this page with WebCrypto; checking against a key set fetches only that key set&apos;s public JWKS, by name.
      </p>
      <GenerateKey />
      <ConvertKey />
      <Thumbprint />
      <CheckKey keySetNames={keySetNames} />
    </main>
  );
}
