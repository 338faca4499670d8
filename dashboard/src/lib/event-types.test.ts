import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from './event-types.js';

// The contract, not the server's code: the dashboard is a client of keyward.proto.
const proto = readFileSync(new URL('../../../proto/keyward/v1/keyward.proto', import.meta.url), 'utf8');

/** The event types listed in the comment above `string type = 4;` of `message Event`. */
function documentedEventTypes(): string[] {
  const message = proto.slice(proto.indexOf('message Event {'));
  const lines = message.slice(0, message.indexOf('string type = 4;')).split('\n');
  const comment: string[] = [];
  for (let index = lines.length - 2; index >= 0 && lines[index]!.trim().startsWith('//'); index -= 1) {
    comment.unshift(lines[index]!.trim().replace(/^\/\/\s?/, ''));
  }
  return comment
    .slice(1)
    .flatMap((line) => line.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

describe("the dashboard's copy of the event types", () => {
  it('is exactly the list keyward.proto documents for Event.type', () => {
    const documented = documentedEventTypes();
    expect(documented.length).toBeGreaterThan(10);
    expect([...EVENT_TYPES].sort()).toEqual(documented.sort());
  });
});
