// @vitest-environment node
// Configuration as an operator writes it, through the real entry point (`node server/dist/main.js`)
// and a real gRPC client: regressions for what a new user met on a fresh clone.
import { credentials } from '@grpc/grpc-js';
import { CreateKeySetRequest, KeyServiceClient } from '@keyward/proto/keyward/v1';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { promisedRpcs } from './support/keyward.js';
import { killServiceProcesses, startServiceProcess } from './support/process.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterEach(killServiceProcesses);

afterAll(async () => {
  await database.drop();
});

/** What `openssl rand -base64 32` prints: '+', '/' and '=' included, no `kw_` prefix. */
function operatorChosenToken(): string {
  for (;;) {
    const token = randomBytes(32).toString('base64');
    if (/[+/]/.test(token)) return token;
  }
}

it('accepts an admin token of any characters, and logs each configuration warning once', async () => {
  const adminToken = operatorChosenToken();
  const service = startServiceProcess({
    DATABASE_URL: database.url,
    KEYWARD_MASTER_KEY: randomBytes(32).toString('base64'),
    KEYWARD_ADMIN_TOKEN: adminToken,
    // Plaintext on every interface: one warning for gRPC, one for the gateway.
    KEYWARD_HOST: '0.0.0.0',
    KEYWARD_GRPC_PORT: '0',
    KEYWARD_HTTP_PORT: '0',
    KEYWARD_LOG_LEVEL: 'info',
  });
  const serving = await service.waitForLog('keyward is serving');

  const client = new KeyServiceClient(`127.0.0.1:${serving.grpcPort as number}`, credentials.createInsecure());
  try {
    const rpc = promisedRpcs(client, adminToken);
    const whoami = await rpc.whoAmI({});
    expect(whoami.principal).toBe('token:KEYWARD_ADMIN_TOKEN');
    const created = await rpc.createKeySet(
      CreateKeySetRequest.fromPartial({ keySet: 'operator-token', algorithm: 'ES256' }),
    );
    expect(created.keySet?.name).toBe('operator-token');
  } finally {
    client.close();
  }

  const warnings = service.stdout
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => entry.level === 40 && entry.msg.includes('plaintext'));
  expect(warnings.map((entry) => entry.msg.split(' ')[0])).toEqual(['gRPC', 'the']);
  expect(new Set(warnings.map((entry) => entry.msg)).size).toBe(2);
  // The token is a secret: it appears in no log line.
  expect(service.stdout.join('\n')).not.toContain(adminToken);
});
