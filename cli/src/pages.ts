// List RPCs answer a page at a time (AIP-158); a command that lists shows the whole list.

/** The largest page the service gives: fewer round trips for long lists. */
export const MAX_PAGE_SIZE = 500;

export interface PageRequest {
  readonly pageSize: number;
  readonly pageToken: string;
}

/**
 * Every page of a list, asked for in turn until the service says there is no next one, as one
 * response holding all the items of `field`.
 */
export async function wholeList<F extends string, P extends { readonly nextPageToken: string } & Record<F, unknown[]>>(
  field: F,
  fetchPage: (page: PageRequest) => Promise<P>,
): Promise<P> {
  const items: unknown[] = [];
  let page: P;
  let pageToken = '';
  do {
    page = await fetchPage({ pageSize: MAX_PAGE_SIZE, pageToken });
    items.push(...page[field]);
    pageToken = page.nextPageToken;
  } while (pageToken !== '');
  return { ...page, [field]: items, nextPageToken: '' };
}
