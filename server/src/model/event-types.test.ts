import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_OUTCOMES, EVENT_TYPES } from './event-types.js';

const proto = readFileSync(new URL('../../../proto/keyward/v1/keyward.proto', import.meta.url), 'utf8');

/** The comment lines just above `field` inside `message Event`. */
function commentAbove(field: string): string {
  const message = proto.slice(proto.indexOf('message Event {'));
  const lines = message.slice(0, message.indexOf(field)).split('\n');
  const comment: string[] = [];
  for (let index = lines.length - 2; index >= 0 && lines[index]!.trim().startsWith('//'); index -= 1) {
    comment.unshift(lines[index]!.trim().replace(/^\/\/\s?/, ''));
  }
  return comment.join('\n');
}

describe('the audit vocabulary', () => {
  it('is exactly what keyward.proto documents for Event.type', () => {
    const listed = commentAbove('string type = 4;')
      .split('\n')
      .slice(1)
      .flatMap((line) => line.split(','))
      .map((item) => item.trim())
      .filter((item) => item !== '');
    expect([...listed].sort()).toEqual([...EVENT_TYPES].sort());
  });

  it('is exactly what keyward.proto documents for Event.outcome', () => {
    const listed = commentAbove('string outcome = 10;')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/)[0]);
    expect(listed).toEqual([...EVENT_OUTCOMES]);
  });
});
