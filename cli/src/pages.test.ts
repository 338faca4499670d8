import { describe, expect, it } from 'vitest';
import { MAX_PAGE_SIZE, wholeList, type PageRequest } from './pages.js';

describe('wholeList', () => {
  it('follows next_page_token to the end and answers every item once, in order', async () => {
    const pages = [
      { keys: ['a', 'b'], nextPageToken: 't1' },
      { keys: ['c'], nextPageToken: 't2' },
      { keys: ['d'], nextPageToken: '' },
    ];
    const asked: PageRequest[] = [];
    const whole = await wholeList('keys', (page) => {
      asked.push(page);
      return Promise.resolve(pages[asked.length - 1]!);
    });
    expect(whole).toEqual({ keys: ['a', 'b', 'c', 'd'], nextPageToken: '' });
    expect(asked).toEqual([
      { pageSize: MAX_PAGE_SIZE, pageToken: '' },
      { pageSize: MAX_PAGE_SIZE, pageToken: 't1' },
      { pageSize: MAX_PAGE_SIZE, pageToken: 't2' },
    ]);
  });
});
