import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { masterKeyFromBytes } from '../crypto/envelope.js';
import type { MasterKeySource } from '../config/config.js';
import { GENERATED_MASTER_KEY_FILE, loadMasterKeys } from './master-key.js';
import { loggerInto } from '../test-support/logs.js';

let dir: string;
let logs: string[];
const logger = () => loggerInto(logs, 'info');

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-master-key-'));
  logs = [];
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

const BYTES = Buffer.alloc(32, 0xab);
const OTHER = Buffer.alloc(32, 0xcd);
const load = (source: MasterKeySource) => loadMasterKeys(source, dir, logger()).then((ring) => ring.current);

describe('loadMasterKey', () => {
  it('decodes KEYWARD_MASTER_KEY', async () => {
    const ring = await loadMasterKeys({ kind: 'values', base64: [BYTES.toString('base64')] }, dir, logger());
    expect(ring.current).toEqual(masterKeyFromBytes(BYTES));
    const two = await loadMasterKeys(
      { kind: 'values', base64: [OTHER.toString('base64'), BYTES.toString('base64')] },
      dir,
      logger(),
    );
    expect(two.ids).toEqual([masterKeyFromBytes(OTHER).id, masterKeyFromBytes(BYTES).id]);
    expect(two.current.id).toBe(masterKeyFromBytes(BYTES).id);
  });

  it('reads a file holding base64 text or 32 raw bytes', async () => {
    const text = join(dir, 'text.key');
    const raw = join(dir, 'raw.key');
    writeFileSync(text, `${BYTES.toString('base64')}\n`, { mode: 0o600 });
    writeFileSync(raw, BYTES, { mode: 0o600 });
    expect((await load({ kind: 'files', paths: [text] })).id).toBe(masterKeyFromBytes(BYTES).id);
    expect((await load({ kind: 'files', paths: [raw] })).id).toBe(masterKeyFromBytes(BYTES).id);
  });

  it('refuses a file of the wrong size, naming the file but not its content', async () => {
    const path = join(dir, 'short.key');
    writeFileSync(path, 'c2hvcnQ=', { mode: 0o600 });
    await expect(load({ kind: 'files', paths: [path] })).rejects.toThrow(
      `master key file (${path}) must hold 32 bytes, raw or base64-encoded`,
    );
  });

  it('tightens a key file that other users can read, and says so', async () => {
    const path = join(dir, 'open.key');
    writeFileSync(path, BYTES, { mode: 0o644 });
    await load({ kind: 'files', paths: [path] });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(logs.join('')).toContain('is readable by other users; tightening to 0600');
  });

  it('generates a key once, mode 0600, with a loud warning, and reuses it afterwards', async () => {
    const first = await load({ kind: 'none' });
    const path = join(dir, GENERATED_MASTER_KEY_FILE);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(logs.join('')).toContain('GENERATED A NEW MASTER KEY');
    const content = readFileSync(path, 'utf8');
    expect(logs.join('')).not.toContain(content.trim());

    logs = [];
    const second = await load({ kind: 'none' });
    expect(second).toEqual(first);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(logs.join('')).not.toContain('GENERATED');
  });
});
