// Installs and builds whatever a fresh clone lacks, so `npm start` and `npm test` work on their own.
// Plain Node with no dependencies: it runs before anything is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : 0;
}

/** What builds and type checks write into a source folder: not sources. */
const NOT_SOURCES = new Set(['node_modules', '.next', 'tsconfig.tsbuildinfo', 'next-env.d.ts']);

/**
 * The newest modification time of anything under `dir`, installed and generated files aside (a
 * folder's own time counts below the top: it changes when a source file is removed).
 */
function newest(dir, top = true) {
  let latest = top ? 0 : mtime(dir);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path, false) : mtime(path));
  }
  return latest;
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

// The dashboard's production build (≈20 s): only when its sources or the contract changed since.
const dashboardBuilt = join(root, 'dashboard', '.next', 'BUILD_ID');
if (mtime(dashboardBuilt) < Math.max(newest(join(root, 'dashboard')), mtime(protoOut))) {
  run(['run', 'build:dashboard']);
}

// The dashboard's end-to-end test drives Debian's Chromium (Playwright cannot download browsers here).
// Needed for the tests (and a plain `npm run setup`), not to start the service.
const chromium = '/usr/bin/chromium';
const forTests = [undefined, 'setup', 'pretest'].includes(process.env.npm_lifecycle_event);
if (forTests && !existsSync(chromium)) {
  if (process.getuid?.() !== 0) {
    console.error(
      `keyward setup: ${chromium} is missing; the dashboard test needs it. As root: apt-get update && apt-get install -y chromium`,
    );
    process.exit(1);
  }
  console.error('keyward setup: apt-get install -y chromium (for the dashboard test)');
  execFileSync('apt-get', ['update'], { stdio: ['ignore', 'inherit', 'inherit'] });
  execFileSync('apt-get', ['install', '-y', 'chromium'], { stdio: ['ignore', 'inherit', 'inherit'] });
}
