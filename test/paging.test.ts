// @vitest-environment node
// Paging (AIP-158) on every List RPC, through a real gRPC client against a real service and
// PostgreSQL: every page walked, page sizes, tokens bound to their RPC and filters, tampering, and
// lists that grow between pages.
import { status } from '@grpc/grpc-js';
import { Role, RotationMode, Scope } from '@keyward/proto/keyward/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { grpcError } from './support/grpc-errors.js';
import { useTestKeyward } from './support/keyward.js';
import { queryDatabase } from './support/sql.js';

const kw = useTestKeyward();

const PAGED = 'paged-a';
const MAX_UINT32 = 4_294_967_295;

/** An item as a walk sees it: what identifies it, and a key whose string order is the list's order. */
interface Item {
  readonly id: string;
  readonly sortKey: string;
}

interface Page {
  readonly items: Item[];
  readonly next: string;
}

/** One List RPC, with its filters fixed. */
interface Listed {
  page(pageSize: number, pageToken: string): Promise<Page>;
  /** Adds items to the list: some the walk has passed, some still ahead, as the order allows. */
  grow(round: number): Promise<void>;
}

const at = (timestamp: Date | undefined) => timestamp!.toISOString();
// Events come newest first: a key that sorts the other way round.
const descending = (id: string) => (10n ** 19n - BigInt(id)).toString().padStart(20, '0');

function createKeySet(name: string) {
  return kw.rpc.createKeySet({ keySet: name, algorithm: 'ES256', kidScheme: 0 });
}

function rotateNow(keySet: string) {
  return kw.rpc.rotate({ keySet, reason: 'paging test', mode: RotationMode.ROTATION_MODE_IMMEDIATE });
}

function createToken(name: string) {
  return kw.rpc.createApiToken({ name, grants: [{ keySet: PAGED, scopes: [Scope.SCOPE_READ] }] });
}

function createUser(username: string) {
  return kw.rpc.createUser({ username, password: 'a long enough password', role: Role.ROLE_VIEWER });
}

const RPCS: Record<string, Listed> = {
  ListKeySets: {
    async page(pageSize, pageToken) {
      const { keySets, nextPageToken } = await kw.rpc.listKeySets({ pageSize, pageToken });
      return { items: keySets.map(({ name }) => ({ id: name, sortKey: name })), next: nextPageToken };
    },
    async grow(round) {
      await createKeySet(`aaa-${round}`);
      await createKeySet(`zzz-${round}`);
    },
  },
  ListKeys: {
    async page(pageSize, pageToken) {
      const { keys, nextPageToken } = await kw.rpc.listKeys({ keySet: PAGED, pageSize, pageToken });
      return {
        items: keys.map(({ kid, createdAt }) => ({ id: kid, sortKey: `${at(createdAt)} ${kid}` })),
        next: nextPageToken,
      };
    },
    async grow() {
      await rotateNow(PAGED);
    },
  },
  ListApiTokens: {
    async page(pageSize, pageToken) {
      const { tokens, nextPageToken } = await kw.rpc.listApiTokens({ pageSize, pageToken });
      return {
        items: tokens.map(({ id, createdAt }) => ({ id, sortKey: `${at(createdAt)} ${id}` })),
        next: nextPageToken,
      };
    },
    async grow(round) {
      await createToken(`grown-${round}`);
    },
  },
  ListUsers: {
    async page(pageSize, pageToken) {
      const { users, nextPageToken } = await kw.rpc.listUsers({ pageSize, pageToken });
      return { items: users.map(({ username }) => ({ id: username, sortKey: username })), next: nextPageToken };
    },
    async grow(round) {
      await createUser(`a${round}`);
      await createUser(`z${round}`);
    },
  },
  ListEvents: {
    async page(pageSize, pageToken) {
      const { events, nextPageToken } = await kw.rpc.listEvents({ keySet: PAGED, kid: '', pageSize, pageToken });
      return { items: events.map(({ id }) => ({ id, sortKey: descending(id) })), next: nextPageToken };
    },
    async grow() {
      await rotateNow(PAGED);
    },
  },
};
const NAMES = Object.keys(RPCS);

/** Walks every page from the first, cycling through `sizes`; `between` runs before each next page. */
async function walk(
  listed: Listed,
  sizes: number[],
  between: (page: number) => Promise<void> = () => Promise.resolve(),
) {
  const pages: Item[][] = [];
  let pageToken = '';
  do {
    const size = sizes[pages.length % sizes.length]!;
    const page = await listed.page(size, pageToken);
    expect(page.items.length).toBeLessThanOrEqual(size);
    // Only the last page may come short.
    if (page.next !== '') expect(page.items).toHaveLength(size);
    pages.push(page.items);
    pageToken = page.next;
    if (pageToken !== '') await between(pages.length);
  } while (pageToken !== '' && pages.length < 1_000);
  return pages;
}

/** The whole list in one page. */
async function whole(listed: Listed): Promise<Item[]> {
  const page = await listed.page(500, '');
  expect(page.next).toBe('');
  return page.items;
}

function expectInOrder(items: Item[]) {
  const keys = items.map((item) => item.sortKey);
  expect(keys).toEqual([...keys].sort());
  expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
}

async function nextPageToken(name: string): Promise<string> {
  const { next } = await RPCS[name]!.page(1, '');
  expect(next).not.toBe('');
  return next;
}

async function expectRefusedToken(call: Promise<unknown>) {
  const error = await grpcError(call);
  expect(error.code).toBe(status.INVALID_ARGUMENT);
  expect(error.details).toMatch(/^page_token: /);
}

beforeAll(async () => {
  for (const name of [PAGED, 'paged-b', 'paged-c', 'paged-d', 'paged-e']) await createKeySet(name);
  for (let i = 0; i < 4; i += 1) await rotateNow(PAGED);
  for (let i = 1; i <= 5; i += 1) await createToken(`paged-${i}`);
  for (let i = 1; i <= 5; i += 1) await createUser(`user${i}`);
});

describe.each(NAMES)('%s', (name) => {
  const listed = RPCS[name]!;

  it('walks every page: each item exactly once, in the list order, pages full but the last', async () => {
    const all = await whole(listed);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expectInOrder(all);
    for (const sizes of [[1], [2], [3, 1, 2], [all.length - 1], [all.length]]) {
      const pages = await walk(listed, sizes);
      expect(pages.flat()).toEqual(all);
      if (sizes.length === 1) expect(pages).toHaveLength(Math.ceil(all.length / sizes[0]!));
    }
  });

  it('gives 50 for page_size 0 and takes a page_size above 500 as 500', async () => {
    const all = await whole(listed);
    for (const pageSize of [501, MAX_UINT32]) expect(await listed.page(pageSize, '')).toEqual({ items: all, next: '' });
    expect((await listed.page(0, '')).items).toEqual(all.slice(0, 50));
  });

  it('neither repeats nor skips an item when the list grows between pages', async () => {
    const before = await whole(listed);
    const pages = await walk(listed, [2], (page) => listed.grow(page));
    const seen = pages.flat();
    const after = await whole(listed);
    expectInOrder(after);
    expect(after.length).toBeGreaterThan(before.length);
    // What a walk must show: the first page, then everything after its last item as the list now is.
    const cursor = after.findIndex((item) => item.id === pages[0]!.at(-1)!.id);
    expect(seen).toEqual([...pages[0]!, ...after.slice(cursor + 1)]);
    for (const item of before) expect(seen).toContainEqual(item);
  });

  it('refuses its token altered, cut short or lengthened', async () => {
    const token = await nextPageToken(name);
    const flipped = (i: number) => token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
    for (const altered of [flipped(0), flipped(token.length >> 1), flipped(token.length - 1)]) {
      await expectRefusedToken(listed.page(2, altered));
    }
    await expectRefusedToken(listed.page(2, token.slice(0, -1)));
    await expectRefusedToken(listed.page(2, `${token}A`));
    await expectRefusedToken(listed.page(2, 'not a token'));
  });

  it("refuses another List RPC's token", async () => {
    for (const other of NAMES.filter((n) => n !== name)) {
      await expectRefusedToken(listed.page(2, await nextPageToken(other)));
    }
  });
});

describe('page tokens and filters', () => {
  it('refuse a ListKeys token for another key set', async () => {
    const { nextPageToken } = await kw.rpc.listKeys({ keySet: PAGED, pageSize: 1 });
    await expectRefusedToken(kw.rpc.listKeys({ keySet: 'paged-b', pageSize: 1, pageToken: nextPageToken }));
  });

  it('refuse a ListEvents token with other filters', async () => {
    const { events, nextPageToken } = await kw.rpc.listEvents({ keySet: PAGED, kid: '', pageSize: 1 });
    const filters: [string, string][] = [
      ['', ''],
      ['paged-b', ''],
      [PAGED, events[0]!.kid || 'some-kid'],
    ];
    for (const [keySet, kid] of filters) {
      await expectRefusedToken(kw.rpc.listEvents({ keySet, kid, pageSize: 1, pageToken: nextPageToken }));
    }
  });

  it('work with another page_size, which may change from page to page', async () => {
    const all = await whole(RPCS.ListKeys!);
    const first = await kw.rpc.listKeys({ keySet: PAGED, pageSize: 1 });
    const rest = await kw.rpc.listKeys({ keySet: PAGED, pageSize: 500, pageToken: first.nextPageToken });
    expect([...first.keys, ...rest.keys].map((key) => key.kid)).toEqual(all.map((item) => item.id));
  });
});

describe('ListKeySets for a caller who may read only some key sets', () => {
  it('pages through those alone, in full pages', async () => {
    const readable = ['paged-b', 'paged-d', 'paged-e'];
    const { secret } = await kw.rpc.createApiToken({
      name: 'reads-three',
      grants: readable.map((keySet) => ({ keySet, scopes: [Scope.SCOPE_READ] })),
    });
    const first = await kw.rpc.listKeySets({ pageSize: 2 }, secret);
    expect(first.keySets.map((keySet) => keySet.name)).toEqual(readable.slice(0, 2));
    const second = await kw.rpc.listKeySets({ pageSize: 2, pageToken: first.nextPageToken }, secret);
    expect(second.keySets.map((keySet) => keySet.name)).toEqual(readable.slice(2));
    expect(second.nextPageToken).toBe('');
  });
});

describe('ListEvents beyond 500 events', () => {
  it('answers at most 500 per page, however many are asked for', async () => {
    await createKeySet('filler');
    await queryDatabase(
      kw.databaseUrl,
      `INSERT INTO key_events (key_set_id, type, actor)
       SELECT id, 'test.filler', 'test' FROM key_sets, generate_series(1, 520) WHERE name = 'filler'`,
    );
    const [counted] = await queryDatabase<{ count: string }>(
      kw.databaseUrl,
      `SELECT count(*)::text AS count FROM key_events JOIN key_sets ON key_sets.id = key_set_id WHERE name = 'filler'`,
    );
    const first = await kw.rpc.listEvents({ keySet: 'filler', kid: '', pageSize: MAX_UINT32 });
    expect(first.events).toHaveLength(500);
    expect(first.nextPageToken).not.toBe('');
    const rest = await kw.rpc.listEvents({
      keySet: 'filler',
      kid: '',
      pageSize: 1_000,
      pageToken: first.nextPageToken,
    });
    expect(rest.nextPageToken).toBe('');
    expect(first.events.length + rest.events.length).toBe(Number(counted!.count));
    const ids = [...first.events, ...rest.events].map((event) => BigInt(event.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => (a > b ? -1 : 1)));
    expect((await kw.rpc.listEvents({ keySet: 'filler', kid: '' })).events).toHaveLength(50);
  });
});
