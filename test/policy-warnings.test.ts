// @vitest-environment node
// KeySet.policy_warnings: a policy accepted under one configuration can strand tokens under the
// next (a longer JWKS max-age). The service then says so on every read of the key set.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { newMasterKey, startTestKeyward } from './support/keyward.js';
import { policy } from './support/lifecycle-helpers.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database?.drop();
});

it('reports what a configuration change made unsafe in a stored policy, on GetKeySet and ListKeySets', async () => {
  const masterKey = newMasterKey();
  const first = await startTestKeyward({ databaseUrl: database.url, masterKey, jwksMaxAgeSeconds: 300 });
  try {
    // The least this configuration accepts: pre-publish 600 s, grace 600 s + max-age 300 s.
    const tight = policy({ autoRotate: false, prePublish: 600, grace: 900, maxTokenTtl: 600 });
    const created = await first.rpc.createKeySet({ keySet: 'tight', algorithm: 'ES256', kidScheme: 0, policy: tight });
    expect(created.keySet!.policyWarnings).toEqual([]);
    expect((await first.rpc.getKeySet({ keySet: 'tight' })).keySet!.policyWarnings).toEqual([]);
  } finally {
    await first.stop();
  }

  const second = await startTestKeyward({ databaseUrl: database.url, masterKey, jwksMaxAgeSeconds: 3_600 });
  try {
    const warnings = (await second.rpc.getKeySet({ keySet: 'tight' })).keySet!.policyWarnings;
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^pre_publish_period: 600s is shorter than the \d+s a client may cache the JWKS/);
    expect(warnings[1]).toBe(
      'grace_period: 900s is shorter than max_token_ttl (600s) plus the JWKS max-age (3600s) = 4200s; ' +
        'tokens signed just before a rotation would stop verifying while still valid',
    );
    const listed = (await second.rpc.listKeySets({})).keySets.find((keySet) => keySet.name === 'tight');
    expect(listed!.policyWarnings).toEqual(warnings);

    // A key set made under the new configuration takes its defaults: nothing to warn about.
    const fresh = await second.rpc.createKeySet({ keySet: 'fresh', algorithm: 'ES256', kidScheme: 0 });
    expect(fresh.keySet!.policyWarnings).toEqual([]);
  } finally {
    await second.stop();
  }
});
