import { describe, expect, it } from 'vitest';
import { keyPageHref } from './key-page-href';

describe('keyPageHref', () => {
  it('leaves defaults out of the URL', () => {
    expect(keyPageHref('payments', 'abc')).toBe('/key-sets/payments/keys/abc');
    expect(keyPageHref('payments', 'abc', { range: '24h', events: '' })).toBe('/key-sets/payments/keys/abc');
  });

  it('keeps the range and the events page token, encoded', () => {
    expect(keyPageHref('payments', 'a/b', { range: '7d', events: 'tok+en/=' })).toBe(
      '/key-sets/payments/keys/a%2Fb?range=7d&events=tok%2Ben%2F%3D',
    );
  });
});
