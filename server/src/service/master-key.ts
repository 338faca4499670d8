import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MasterKeySource } from '../config/config.js';
import { generateMasterKeyBytes, masterKeyFromBytes, type MasterKey } from '../crypto/envelope.js';
import { MasterKeyRing } from '../crypto/master-key-ring.js';
import { openKey } from '../keyring/sealing.js';
import { KeywardError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { KeyStore } from '../store/key-store.js';
import type { KeySetSnapshot } from '../model/key-set.js';

export const GENERATED_MASTER_KEY_FILE = 'master.key';

/**
 * The key-encryption keys, from the environment, files, or (embedded database only) a file that
 * Keyward generates once in its data folder.
 */
export async function loadMasterKeys(source: MasterKeySource, dataDir: string, logger: Logger): Promise<MasterKeyRing> {
  switch (source.kind) {
    case 'values':
      return new MasterKeyRing(source.base64.map((value) => masterKeyFromBytes(Buffer.from(value.trim(), 'base64'))));
    case 'files': {
      const keys: MasterKey[] = [];
      for (const path of source.paths)
        keys.push(masterKeyFromBytes(await readMasterKeyFile(path, 'master key file', logger)));
      return new MasterKeyRing(keys);
    }
    case 'none':
      return new MasterKeyRing([masterKeyFromBytes(await generatedMasterKey(dataDir, logger))]);
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
      'secret, or set KEYWARD_MASTER_KEY(S) / KEYWARD_MASTER_KEY_FILE(S). Losing it loses every key.',
  );
  return bytes;
}

/** A file holds the key as base64 text (as `openssl rand -base64 32` prints it) or as 32 raw bytes. */
async function readMasterKeyFile(path: string, what: string, logger: Logger): Promise<Buffer> {
  const [content, info] = await Promise.all([readFile(path), stat(path)]);
  if ((info.mode & 0o077) !== 0) {
    logger.warn(
      { path, mode: (info.mode & 0o777).toString(8) },
      `${what} is readable by other users; tightening to 0600`,
    );
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
 * Refuses to start without a master key the database was sealed under: otherwise every stored key
 * would be unreadable, or worse, a fresh set of keys would silently replace them. Records the
 * configured keys' ids (fingerprints, never the keys).
 */
export async function checkMasterKeys(store: KeyStore, masters: MasterKeyRing): Promise<void> {
  const known = await store.listMasterKeyIds();
  if (known.length > 0 && !known.some((id) => masters.byId(id) !== undefined)) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `the configured master key (id ${masters.ids.join(', ')}) is not the one this database's keys are sealed under ` +
        `(id ${known.join(', ')}). Start with the original master key; refusing to start rather than lose the keys.`,
    );
  }
  for (const id of masters.ids) await store.recordMasterKeyId(id);
}

/** Opens every stored private key once, and names each that does not open. */
export function assertEveryKeyOpens(snapshots: readonly KeySetSnapshot[], masters: MasterKeyRing): void {
  const failures: string[] = [];
  for (const { keySet, keys } of snapshots) {
    for (const key of keys) {
      if (key.sealed === null) continue;
      try {
        openKey(key, key.sealed, masters);
      } catch (error) {
        failures.push(`${keySet.name}/${key.kid}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
  if (failures.length > 0) {
    throw new KeywardError(
      'FAILED_PRECONDITION',
      `${failures.length} stored key(s) cannot be decrypted: ${failures.join('; ')}`,
    );
  }
}
