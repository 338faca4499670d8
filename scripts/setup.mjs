// Installs and builds whatever a fresh clone lacks, so `npm start` and `npm test` work on their own.
// Plain Node with no dependencies: it runs before anything is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

function run(args, env = {}) {
  console.error(`keyward setup: npm ${args.join(' ')}`);
  execFileSync(npm, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...env } });
}

const installed = join(root, 'node_modules', '.package-lock.json');
if (mtime(installed) < mtime(join(root, 'package-lock.json'))) {
  run(['ci', '--no-audit', '--no-fund']);
}

const protoOut = join(root, 'proto', 'dist', 'descriptors.binpb');
if (mtime(protoOut) < mtime(join(root, 'proto', 'keyward', 'v1', 'keyward.proto'))) {
  run(['run', 'generate', '-w', 'proto']);
}

const prismaOut = join(root, 'server', 'src', 'store', 'generated', 'client.ts');
if (mtime(prismaOut) < mtime(join(root, 'prisma', 'schema.prisma'))) {
  run(['run', 'prisma:generate']);
}

// Incremental: a no-op when nothing changed.
run(['run', 'build:server']);
run(['run', 'build:cli']);
run(['run', 'build:sdk']);
