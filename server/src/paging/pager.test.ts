// The pager on lists held in memory: page sizes, walks over every page, positions in each order.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sealPageToken } from './page-tokens.js';
import {
  byName,
  inMemory,
  newestIdFirst,
  oldestFirst,
  Pager,
  pageSize,
  type CreationPosition,
  type Listing,
  type Order,
} from './pager.js';

const SECRET = randomBytes(32);
const pager = new Pager(SECRET);
const NAMES: Listing<string, string> = { scope: ['ListNames'], order: byName, positionOf: (name) => name };

/** Every page of `items` (in memory) at `size`, with `between` run before each next page. */
async function walk(items: string[], size: number, between: (items: string[]) => void = () => undefined) {
  const seen: string[] = [];
  let pageToken = '';
  do {
    const page = await pager.page({ pageSize: size, pageToken }, NAMES, inMemory(items, NAMES));
    expect(page.items.length).toBeLessThanOrEqual(size);
    if (page.nextPageToken !== '') expect(page.items).toHaveLength(size);
    seen.push(...page.items);
    pageToken = page.nextPageToken;
    between(items);
  } while (pageToken !== '');
  return seen;
}

const names = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 40 });

describe('Pager', () => {
  it('takes 0 as 50 and anything above 500 as 500', () => {
    expect([0, 1, 50, 499, 500, 501, 4_294_967_295].map(pageSize)).toEqual([50, 1, 50, 499, 500, 500, 500]);
  });

  it('walks every item once, in order, at any page size', async () => {
    await fc.assert(
      fc.asyncProperty(names, fc.integer({ min: 1, max: 12 }), async (items, size) => {
        expect(await walk([...items], size)).toEqual([...items].sort(byName.compare));
      }),
    );
  });

  it('neither repeats nor skips an item when others come and go between pages', async () => {
    await fc.assert(
      fc.asyncProperty(names, fc.integer({ min: 1, max: 5 }), names, async (items, size, changes) => {
        const before = new Set(items);
        const seen = await walk([...items], size, (list) => {
          const change = changes.pop();
          if (change === undefined) return;
          const at = list.indexOf(change);
          if (at === -1) list.push(change);
          else if (!before.has(change)) list.splice(at, 1);
        });
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toEqual([...seen].sort(byName.compare));
        // Items there all along are all seen.
        expect(seen.filter((name) => before.has(name))).toEqual([...before].sort(byName.compare));
      }),
    );
  });

  it('refuses a token for its scope whose position is not one of its order', async () => {
    const pageToken = sealPageToken(SECRET, NAMES.scope, ['two', 'parts']);
    await expect(pager.page({ pageSize: 1, pageToken }, NAMES, () => [])).rejects.toThrow(/^page_token: /);
  });
});

describe('orders', () => {
  const roundTrip = <P>(order: Order<P>, position: P) => order.read(order.write(position));

  it('read back the positions they write', () => {
    fc.assert(
      fc.property(fc.string(), (name) => {
        expect(roundTrip(byName, name)).toBe(name);
      }),
    );
    fc.assert(
      fc.property(fc.date({ noInvalidDate: true }), fc.uuid(), (createdAt, id) => {
        expect(roundTrip<CreationPosition>(oldestFirst, { createdAt, id })).toEqual({ createdAt, id });
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 63n - 1n }), (id) => {
        expect(roundTrip(newestIdFirst, id)).toBe(id);
      }),
    );
  });

  it('put keys and tokens oldest first, then by id; events newest first', () => {
    const at = new Date('2030-01-01T00:00:00Z');
    const later = new Date('2030-01-01T00:00:00.001Z');
    expect(oldestFirst.compare({ createdAt: at, id: 'b' }, { createdAt: later, id: 'a' })).toBeLessThan(0);
    expect(oldestFirst.compare({ createdAt: at, id: 'b' }, { createdAt: at, id: 'a' })).toBeGreaterThan(0);
    expect([1n, 3n, 2n].sort(newestIdFirst.compare)).toEqual([3n, 2n, 1n]);
  });

  it('refuse what is not one of their positions', () => {
    expect(byName.read([])).toBeUndefined();
    expect(oldestFirst.read(['yesterday', 'x'])).toBeUndefined();
    expect(newestIdFirst.read(['-1'])).toBeUndefined();
    expect(newestIdFirst.read(['9223372036854775808'])).toBeUndefined();
  });
});
