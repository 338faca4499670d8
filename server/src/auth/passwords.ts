import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// scrypt at OWASP's floor (N=2^15, r=8, p=1): about 30-60 ms per check here, which is what makes
// a stolen hash expensive to attack and what paces online guessing.
const COST = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const KEY_LENGTH = 32;
const FORMAT = 'scrypt:v1';

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** `scrypt:v1:N:r:p:salt:hash`, with a fresh 16-byte salt per password. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, COST);
  return [FORMAT, COST.N, COST.r, COST.p, salt.toString('base64url'), hash.toString('base64url')].join(':');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split(':');
  if (parts.length !== 7 || `${parts[0]}:${parts[1]}` !== FORMAT) return false;
  const [N, r, p] = parts.slice(2, 5).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[5]!, 'base64url');
  const expected = Buffer.from(parts[6]!, 'base64url');
  const actual = await derive(password, salt, { N, r, p, maxmem: COST.maxmem });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * Checked against when the username does not exist, so that a login for an unknown user costs
 * the same time as one for a known user with a wrong password.
 */
export const UNKNOWN_USER_HASH = await hashPassword(randomBytes(18).toString('base64url'));
