// The dashboard as end-to-end tests meet it: its production build (`next start`) as a child process
// pointed at a real Keyward, and Debian's Chromium driving it like a person would.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { REPO_ROOT } from './process.js';

export interface RunningDashboard {
  readonly origin: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * `next start` of the build in dashboard/.next against the Keyward at `grpcAddress`; resolves once
 * its boot check (src/instrumentation.ts) has passed. `env` adds to (or overrides) its environment.
 */
export async function startDashboard(grpcAddress: string, env: Record<string, string> = {}): Promise<RunningDashboard> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/next/dist/bin/next'), 'start', '--hostname', '127.0.0.1', '--port', String(port)],
    {
      cwd: join(REPO_ROOT, 'dashboard'),
      env: { PATH: process.env.PATH ?? '', NEXT_TELEMETRY_DISABLED: '1', KEYWARD_SERVER: grpcAddress, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  await untilReady(child);
  return { origin: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

function untilReady(child: ChildProcess): Promise<void> {
  let output = '';
  return new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('keyward dashboard: Keyward at ')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`next start exited (${code}): ${output}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** Debian's Chromium, headless (Playwright cannot download its own browsers here). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (its own cookies) at 1280×800, and a page in it. */
export async function newPage(browser: Browser, viewport = { width: 1280, height: 800 }): Promise<Page> {
  return (await browser.newContext({ viewport })).newPage();
}

/** Signs in through the sign-in form and waits for the page it leads to. */
export async function signIn(page: Page, origin: string, username: string, password: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.getByTestId('username').fill(username);
  await page.getByTestId('password').fill(password);
  await page.getByTestId('sign-in').click();
  await page.waitForURL((url) => url.pathname !== '/sign-in');
}

/** Collects the page's Content-Security-Policy violations, as the console reports them. */
export function cspViolationsOf(page: Page): string[] {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.text().includes('Content Security Policy')) violations.push(message.text());
  });
  return violations;
}

/**
 * A full-page screenshot of `page` as `<name>.png`: into docs/screenshots when
 * KEYWARD_SCREENSHOTS=docs (how the README's pictures are refreshed), else into a temporary
 * folder, so that an ordinary test run leaves the working tree as it was.
 */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  const dir =
    process.env.KEYWARD_SCREENSHOTS === 'docs'
      ? join(REPO_ROOT, 'docs', 'screenshots')
      : join(tmpdir(), 'keyward-screenshots');
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
