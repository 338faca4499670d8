import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { safeNextPath, signInPath } from './next-path.js';

const SITE = 'https://dashboard.example';

/** Where a browser on SITE goes when told to go to `path`. */
const destination = (path: string) => new URL(path, SITE);

describe('safeNextPath', () => {
  it('never leads off the site, whatever it is given', () => {
    const tricky = fc.constantFrom(
      '/',
      '//',
      '\\',
      '/\\',
      '\t',
      '\n',
      'http:',
      'https://evil.example',
      '@',
      '%2F',
      '.',
      '..',
      '?',
      '#',
    );
    const input = fc.oneof(
      fc.string(),
      fc.array(tricky, { maxLength: 6 }).map((parts) => parts.join('')),
      fc.webUrl(),
    );
    fc.assert(
      fc.property(input, (raw) => {
        const path = safeNextPath(raw);
        expect(path.startsWith('/') && !path.startsWith('//')).toBe(true);
        expect(path).not.toMatch(/[\\\u0000-\u001f\u007f]/);
        expect(destination(path).origin).toBe(SITE);
        expect(destination(signInPath(raw)).origin).toBe(SITE);
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps a path of this site as it is, with its query', () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,12}$/);
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        fc.option(segment, { nil: undefined }),
        (parts, query) => {
          const path = `/${parts.join('/')}${query === undefined ? '' : `?q=${query}`}`;
          expect(safeNextPath(path)).toBe(path);
        },
      ),
    );
  });

  // "/..//evil.example" was once taken for a local path: its dot segments made it "//evil.example".
  it.each([
    '/..//evil.example',
    '/a/../..//evil.example/x',
    '//evil.example/x',
    '/\\evil.example',
    'https://evil.example/',
    '/\t/evil.example',
    'relative',
    undefined,
    null,
  ])('sends %j home', (raw) => {
    expect(safeNextPath(raw)).toBe('/');
  });
});
