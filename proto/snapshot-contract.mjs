// Records the keyward.v1 contract as it is now, for `buf breaking` (npm run lint) to hold every
// later change against: the contract may grow, never break. Run it (npm run contract:snapshot -w
// proto) only after a change that adds to the contract. Indented JSON so that reviews see what grew.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const image = execFileSync('buf', ['build', '--exclude-source-info', '-o', '-#format=json'], { encoding: 'utf8' });
writeFileSync(new URL('contract/keyward-v1.json', import.meta.url), `${JSON.stringify(JSON.parse(image), null, 1)}\n`);
