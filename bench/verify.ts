// `npm run bench`: Verify's in-process cost next to jose's compactVerify on the same ES256 token.
// Not a test: it prints ops/s side by side and the ratio (the target is at least 0.5x jose).
import { compactVerify, importJWK } from 'jose';
import { publicJwk } from '../server/src/crypto/jwk.js';
import { generateKeyPair } from '../server/src/crypto/keygen.js';
import { createSigner } from '../server/src/crypto/signer.js';
import { FRESH_KEY_LIFECYCLE, type KeyRecord } from '../server/src/model/key.js';
import { Verifier } from '../server/src/service/verifier.js';

const SECONDS_EACH = 1.5;

const privateKey = await generateKeyPair({ alg: 'ES256' });
const record: KeyRecord = {
  id: 'bench',
  keySetId: 'bench',
  kid: 'bench-kid',
  alg: 'ES256',
  use: 'sig',
  state: 'ACTIVE',
  publicJwk: publicJwk(privateKey),
  createdAt: new Date(0),
  ...FRESH_KEY_LIFECYCLE,
  sealed: null,
};
const now = new Date();
const claims = { iss: 'https://issuer.example', aud: 'api', sub: 'alice', exp: Math.floor(now.getTime() / 1000) + 600 };
const jws = await createSigner('ES256', record.kid, privateKey).sign(Buffer.from(JSON.stringify(claims)), 'JWT');

const verifier = new Verifier({ keysOf: () => [record], clock: () => now });
const joseKey = await importJWK({ ...record.publicJwk }, 'ES256');

const contenders: Record<string, () => Promise<unknown>> = {
  'Keyward Verifier.verify': async () => {
    const result = await verifier.verify('bench', { jws, issuer: claims.iss, audience: 'api' });
    if (!result.valid) throw new Error(`did not verify: ${result.message}`);
  },
  'jose compactVerify': () => compactVerify(jws, joseKey),
};

async function opsPerSecond(run: () => Promise<unknown>, seconds: number): Promise<number> {
  const until = performance.now() + seconds * 1000;
  let ops = 0;
  while (performance.now() < until) {
    await run();
    ops += 1;
  }
  return ops / seconds;
}

for (const run of Object.values(contenders)) await opsPerSecond(run, 0.3); // warm up
const results = new Map<string, number>();
for (const [name, run] of Object.entries(contenders)) results.set(name, await opsPerSecond(run, SECONDS_EACH));

const width = Math.max(...[...results.keys()].map((name) => name.length));
for (const [name, ops] of results) console.log(`${name.padEnd(width)}  ${Math.round(ops).toLocaleString('en')} ops/s`);
const ratio = results.get('Keyward Verifier.verify')! / results.get('jose compactVerify')!;
console.log(`ratio Keyward / jose: ${ratio.toFixed(2)}x (target >= 0.5x; ES256, one token, sequential)`);
