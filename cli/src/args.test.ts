import { describe, expect, it } from 'vitest';
import { CommandInput, quoteArg, synopsis, usageOf } from './args.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './failure.js';

const byPath = (path: string) => COMMANDS.find((command) => command.path.join(' ') === path)!;

describe('command tables', () => {
  it('have one command per path and a synopsis showing required and optional parts', () => {
    const paths = COMMANDS.map((command) => command.path.join(' '));
    expect(new Set(paths).size).toBe(paths.length);
    expect(synopsis(byPath('rotate'))).toBe('keyward rotate <key-set> --reason <text> [--immediate]');
    expect(synopsis(byPath('tokens create'))).toBe(
      'keyward tokens create <name> --grant <key-set:scope,...>... [--ttl <duration>]',
    );
    expect(synopsis(byPath('users create'))).toBe(
      'keyward users create <username> --role <viewer|operator|admin> --password-stdin',
    );
    expect(synopsis(byPath('login'))).toBe('keyward login <username> --password-stdin');
  });

  it('give usage lines aligned under the first', () => {
    expect(usageOf([byPath('keys list'), byPath('keys timeline')])).toBe(
      'usage: keyward keys list <key-set>\n       keyward keys timeline <key-set>',
    );
  });

  it('mark only login as needing no token', () => {
    expect(COMMANDS.filter((command) => command.anonymous === true).map((command) => command.path.join(' '))).toEqual([
      'login',
    ]);
  });
});

describe('CommandInput', () => {
  const input = new CommandInput(
    new Map([['key-set', 'payments']]),
    new Map<string, string | readonly string[] | true>([
      ['reason', 'why'],
      ['grant', ['a:sign', 'b:read']],
      ['immediate', true],
    ]),
    'usage: keyward x',
  );

  it('reads arguments, values, repeated values and flags by name', () => {
    expect(input.arg('key-set')).toBe('payments');
    expect(() => input.arg('kid')).toThrow("no argument <kid> in this command's table");
    expect([input.string('reason'), input.string('grant'), input.string('ttl')]).toEqual(['why', undefined, undefined]);
    expect([input.strings('grant'), input.strings('reason')]).toEqual([['a:sign', 'b:read'], []]);
    expect([input.flag('immediate'), input.flag('reason'), input.flag('json')]).toEqual([true, false, false]);
  });

  it("makes usage errors that end with the command's usage line", () => {
    expect(input.usageError('bad')).toEqual(new UsageError('bad', 'usage: keyward x'));
  });
});

describe('quoteArg', () => {
  it('quotes a value back, clipped, unless it looks like an API token', () => {
    expect(quoteArg('payments')).toBe('"payments"');
    expect(quoteArg('a"b')).toBe('"a\\"b"');
    expect(quoteArg('x'.repeat(50))).toBe(`"${'x'.repeat(40)}…"`);
    expect(quoteArg(' kw_abc')).toBe('(a value that looks like an API token)');
  });
});
