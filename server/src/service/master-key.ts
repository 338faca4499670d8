import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKeySource } from '../config/config.js';
import { generateMasterKeyBytes, masterKeyFromBytes, type MasterKey } from '../crypto/envelope.js';
import { KeywardError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { KeyStore } from '../store/key-store.js';

export const GENERATED_MASTER_KEY_FILE = 'master.key';

/**
 * The key-encryption key, from the environment, a file, or (embedded database only) a file that
 * Keyward generates once in its data folder.
 */
export async function loadMasterKey(source: MasterKeySource, dataDir: string, logger: Logger): Promise<MasterKey> {
  switch (source.kind) {
    case 'value':
      return masterKeyFromBytes(Buffer.from(source.base64.trim(), 'base64'));
    case 'file':
      return masterKeyFromBytes(await readMasterKeyFile(source.path, 'KEYWARD_MASTER_KEY_FILE', logger));
    case 'none':
      return masterKeyFromBytes(await generatedMasterKey(dataDir, logger));
  }
}

async function generatedMasterKey(dataDir: string, logger: Logger): Promise<Buffer> {
  const path = join(dataDir, GENERATED_MASTER_KEY_FILE);
  try {
    return await readMasterKeyFile(path, 'the generated master key', logger);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const bytes = generateMasterKeyBytes();
  // `wx`: never overwrite a master key, even if two processes race here.
  await writeFile(path, bytes.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  logger.warn(
    { path },
    'GENERATED A NEW MASTER KEY. Every private key is encrypted under it: back this file up and keep it ' +
      'secret, or set KEYWARD_MASTER_KEY / KEYWARD_MASTER_KEY_FILE. Losing it loses every key.',
  );
  return bytes;
}

/** A file holds the key as base64 text (as `openssl rand -base64 32` prints it) or as 32 raw bytes. */
async function readMasterKeyFile(path: string, what: string, logger: Logger): Promise<Buffer> {
  const [content, info] = await Promise.all([readFile(path), stat(path)]);
  if ((info.mode & 0o077) !== 0) {
    logger.warn({ path, mode: (info.mode & 0o777).toString(8) }, `${what} is readable by other users; tightening to 0600`);
    await chmod(path, 0o600).catch(() => undefined);
  }
  if (content.length === 32) return content;
  const decoded = Buffer.from(content.toString('utf8').trim(), 'base64');
  if (decoded.length !== 32) {
    throw new KeywardError('FAILED_PRECONDITION', `${what} (${path}) must hold 32 bytes, raw or base64-encoded`);
  }
  return decoded;
}

/**
 * Refuses to start with a master key the database was not sealed under: otherwise every stored key
 * would be unreadable, or worse, a fresh set of keys would silently replace them.
 */
export async function checkMasterKey(store: KeyStore, master: MasterKey): Promise<void> {
  const known = await store.listMasterKeyIds();
  if (known.length === 0) {
    await store.recordMasterKeyId(master.id);
    return;
  }
  if (!known.includes(master.id)) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `the configured master key (id ${master.id}) is not the one this database's keys are sealed under ` +
        `(id ${known.join(', ')}). Start with the original master key; refusing to start rather than lose the keys.`,
    );
  }
}
