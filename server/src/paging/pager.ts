// Paging for the List RPCs (AIP-158): the page size, the page token, and the orders lists are
// paged in. A handler says what it lists (its scope, order and how an item's position is read) and
// how to fetch the items after a position; the pager does the rest.
import { invalidPageToken, openPageToken, sealPageToken, type PagePosition, type PageScope } from './page-tokens.js';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/** The paging fields of every List request. */
export interface PageRequest {
  readonly pageSize: number;
  readonly pageToken: string;
}

/** A list's order, and how a position in it is written into a page token and read back. */
export interface Order<P> {
  readonly compare: (a: P, b: P) => number;
  write(position: P): PagePosition;
  /** undefined: not a position in this order. */
  read(parts: PagePosition): P | undefined;
}

/** What one List RPC pages through. */
export interface Listing<T, P> {
  /** The RPC's name and the request's filters: a token is refused with any others. */
  readonly scope: PageScope;
  readonly order: Order<P>;
  readonly positionOf: (item: T) => P;
}

/** The items after `after` in the list's order (from the first when undefined), at most `limit`. */
export interface PageQuery<P> {
  readonly after: P | undefined;
  readonly limit: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Empty on the last page. */
  readonly nextPageToken: string;
}

export class Pager {
  /** @param secret keys the tokens' MAC: the same on every replica (derived from the master key). */
  constructor(private readonly secret: Buffer) {}

  async page<T, P>(
    request: PageRequest,
    listing: Listing<T, P>,
    fetch: (query: PageQuery<P>) => Promise<readonly T[]> | readonly T[],
  ): Promise<Page<T>> {
    const size = pageSize(request.pageSize);
    const after = request.pageToken === '' ? undefined : this.#positionIn(listing, request.pageToken);
    // One more than asked tells whether another page follows.
    const fetched = await fetch({ after, limit: size + 1 });
    const items = fetched.slice(0, size);
    const last = items.at(-1);
    const more = fetched.length > size && last !== undefined;
    return {
      items,
      nextPageToken: more
        ? sealPageToken(this.secret, listing.scope, listing.order.write(listing.positionOf(last)))
        : '',
    };
  }

  #positionIn<T, P>(listing: Listing<T, P>, token: string): P {
    const position = listing.order.read(openPageToken(this.secret, listing.scope, token));
    if (position === undefined) throw invalidPageToken();
    return position;
  }
}

/** AIP-158: 0 asks for the default; more than the maximum gets the maximum. */
export function pageSize(requested: number): number {
  return requested === 0 ? DEFAULT_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
}

/** The fetch for a list held in memory, put in the listing's order here so positions compare as listed. */
export function inMemory<T, P>(items: readonly T[], listing: Listing<T, P>) {
  const { order, positionOf } = listing;
  const sorted = [...items].sort((a, b) => order.compare(positionOf(a), positionOf(b)));
  return ({ after, limit }: PageQuery<P>): T[] =>
    (after === undefined ? sorted : sorted.filter((item) => order.compare(positionOf(item), after) > 0)).slice(
      0,
      limit,
    );
}

const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** By name (key sets, users). */
export const byName: Order<string> = {
  compare: compareStrings,
  write: (name) => [name],
  read: (parts) => (parts.length === 1 ? parts[0] : undefined),
};

/** When a row was created, then its id for rows created in the same millisecond. */
export interface CreationPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** Oldest first (keys, API tokens). */
export const oldestFirst: Order<CreationPosition> = {
  compare: (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compareStrings(a.id, b.id),
  write: ({ createdAt, id }) => [createdAt.toISOString(), id],
  read: (parts) => {
    const [at, id] = parts;
    const createdAt = new Date(at ?? '');
    return parts.length === 2 && id !== undefined && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : undefined;
  },
};

/** Ids are PostgreSQL bigints. */
const MAX_BIGINT = 2n ** 63n - 1n;

/** Newest first by a growing bigint id (audit events). */
export const newestIdFirst: Order<bigint> = {
  compare: (a, b) => (a > b ? -1 : a < b ? 1 : 0),
  write: (id) => [id.toString()],
  read: (parts) => {
    const [id] = parts;
    return parts.length === 1 && id !== undefined && /^\d{1,19}$/.test(id) && BigInt(id) <= MAX_BIGINT
      ? BigInt(id)
      : undefined;
  },
};
