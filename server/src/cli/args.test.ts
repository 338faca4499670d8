import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GENERAL_USAGE, parseCommandLine, quoteArg, synopsis, unionOptions, type CommandShape } from './args.js';
import { COMMANDS } from './commands/index.js';
import { UsageError } from './failure.js';

function run(argv: string[]) {
  const parsed = parseCommandLine(argv, COMMANDS);
  if (parsed.kind !== 'run') throw new Error(`expected a command, got help for ${parsed.commands.length}`);
  return parsed;
}

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv, COMMANDS);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no usage error for ${argv.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('finds the command by its words and reads its arguments and options, global ones anywhere', () => {
    const { command, input } = run(['--json', 'keys', 'list', 'payments', '--server', 'kw.internal:50051']);
    expect(command.path).toEqual(['keys', 'list']);
    expect(input.arg('key-set')).toBe('payments');
    expect(input.flag('json')).toBe(true);
    expect(input.string('server')).toBe('kw.internal:50051');
    expect(input.string('timeout')).toBeUndefined();
  });

  it('takes repeated options that may repeat, and --name=value forms', () => {
    const { input } = run(['tokens', 'create', 'issuer', '--grant', 'a:sign', '--grant=b:read,admin', '--ttl=30d']);
    expect(input.strings('grant')).toEqual(['a:sign', 'b:read,admin']);
    expect(input.string('ttl')).toBe('30d');
    expect(run(['rotate', 'p', '--reason=-- leading dashes']).input.string('reason')).toBe('-- leading dashes');
  });

  it('refuses an option value that looks like another option, unless written with =', () => {
    expect(usageError(['rotate', 'p', '--reason', '--immediate']).message).toBe(
      '--reason needs a value (write --reason=<value> for one starting with "-")',
    );
  });

  it('refuses unknown options, values for flags, missing values and repeats, each with the usage line', () => {
    const unknown = usageError(['rotate', 'p', '--reason', 'x', '--force']);
    expect(unknown.message).toBe('unknown option --force for "keyward rotate"');
    expect(unknown.usage).toBe('usage: keyward rotate <key-set> --reason <text> [--immediate]');
    expect(usageError(['keys', 'list', 'p', '--reason', 'x']).message).toBe(
      'unknown option --reason for "keyward keys list"',
    );
    // A kid may start with "-": the message says how to pass one, and `--` does.
    expect(usageError(['revoke', '-Abc_12', '--reason', 'x']).message).toBe(
      'unknown option -A for "keyward revoke" (an argument starting with "-" goes after "--", e.g. keyward revoke [options] -- "-Abc_12")',
    );
    expect(run(['revoke', '--reason', 'x', '--', '-Abc_12']).input.arg('kid')).toBe('-Abc_12');
    expect(usageError(['rotate', 'p', '--reason', 'x', '--immediate=yes']).message).toBe('--immediate takes no value');
    expect(usageError(['rotate', 'p', '--reason']).message).toBe('--reason needs a value <text>');
    expect(usageError(['rotate', 'p', '--reason', 'a', '--reason', 'b']).message).toBe('--reason is given twice');
  });

  it('reports a missing argument or required option, and an extra argument', () => {
    expect(usageError(['keys', 'timeline']).message).toBe('missing <key-set>');
    expect(usageError(['key-sets', 'create', 'p']).message).toBe('missing --algorithm <alg>');
    expect(usageError(['whoami', 'extra']).message).toBe('unexpected argument "extra" for "keyward whoami"');
  });

  it('reports unknown commands and incomplete groups with the usage that helps', () => {
    expect(usageError([])).toMatchObject({ message: 'no command given', usage: GENERAL_USAGE });
    expect(usageError(['frobnicate'])).toMatchObject({ message: 'unknown command "frobnicate"', usage: GENERAL_USAGE });
    const group = usageError(['tokens']);
    expect(group.message).toBe('"keyward tokens" needs a subcommand: list, create, revoke');
    expect(group.usage?.split('\n')).toHaveLength(3);
    expect(usageError(['tokens', 'delete']).message).toBe('unknown command "tokens delete"');
    expect(usageError(['users', 'delete']).message).toBe('unknown command "users delete"');
    expect(usageError(['sessions', 'list']).message).toBe('unknown command "sessions"');
  });

  it('refuses a token on the command line, without repeating it', () => {
    for (const argv of [
      ['whoami', '--token', 'kw_secret_value'],
      ['--token=kw_secret_value', 'whoami'],
      ['whoami', '--token'],
    ]) {
      const error = usageError(argv);
      expect(error.message).toMatch(/^the API token is never taken on the command line/);
      expect(error.message).not.toContain('kw_secret_value');
    }
    expect(usageError(['kw_secret_value']).message).not.toContain('kw_secret_value');
    expect(usageError(['whoami', 'kw_secret_value']).message).not.toContain('kw_secret_value');
    expect(quoteArg('kw_abc')).not.toContain('kw_abc');
  });

  it('refuses a password on the command line, without repeating it, and says to pipe it in', () => {
    for (const argv of [
      ['users', 'create', 'alice', '--role', 'admin', '--password', 'correct horse battery'],
      ['login', 'alice', '--password=correct horse battery'],
      ['--password', 'correct horse battery'],
    ]) {
      const error = usageError(argv);
      expect(error.message).toMatch(
        /^a password is never taken on the command line \(it would be kept in shell history and shown by ps\): /,
      );
      expect(error.message).toContain('| keyward users create alice --role operator --password-stdin');
      expect(error.message).not.toContain('correct horse battery');
      expect(error.usage).toBe(GENERAL_USAGE);
    }
  });

  it('wants --password-stdin for the commands that take a password', () => {
    expect(usageError(['users', 'create', 'alice', '--role', 'admin']).message).toBe('missing --password-stdin');
    expect(usageError(['login', 'alice']).message).toBe('missing --password-stdin');
    expect(usageError(['login', 'alice', '--password-stdin=yes']).message).toBe('--password-stdin takes no value');
    expect(run(['login', 'alice', '--password-stdin']).input.flag('password-stdin')).toBe(true);
  });

  it('answers help for everything, a group or one command', () => {
    expect(parseCommandLine(['help'], COMMANDS)).toEqual({ kind: 'help', commands: COMMANDS });
    expect(parseCommandLine(['--help'], COMMANDS)).toEqual({ kind: 'help', commands: COMMANDS });
    const group = parseCommandLine(['help', 'keys'], COMMANDS);
    expect(group.kind === 'help' && group.commands.map((c) => c.path.join(' '))).toEqual([
      'keys list',
      'keys timeline',
    ]);
    const one = parseCommandLine(['rotate', 'p', '-h'], COMMANDS);
    expect(one.kind === 'help' && one.commands.map((c) => c.path.join(' '))).toEqual(['rotate']);
    expect(() => parseCommandLine(['help', 'nothing'], COMMANDS)).toThrow(UsageError);
  });

  it('property: any command line parses or is a usage error with a usage line', () => {
    const words = [...new Set(COMMANDS.flatMap((command) => command.path)), 'help', 'payments'];
    const options = Object.keys(unionOptions(COMMANDS)).flatMap((name) => [`--${name}`, `--${name}=x`]);
    const argument = fc.oneof(
      fc.constantFrom(...words, ...options, '-h', '-x', '--', '-', '--token', '--=', '---'),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(
      fc.property(fc.array(argument, { maxLength: 8 }), (argv) => {
        try {
          const parsed = parseCommandLine(argv, COMMANDS);
          if (parsed.kind === 'run') parsed.command.prepare(parsed.input);
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
          // Value parsers leave the usage to the dispatcher; everything else brings it.
          if ((error as UsageError).usage !== undefined)
            expect((error as UsageError).usage).toMatch(/^usage: keyward /);
        }
      }),
      { numRuns: 3_000 },
    );
  });
});

describe('command tables', () => {
  it('declare each option the same way everywhere (the first parse merges them)', () => {
    expect(() => unionOptions(COMMANDS)).not.toThrow();
    const clash: CommandShape = {
      path: ['x'],
      args: [],
      options: { reason: { type: 'boolean', help: '' } },
      summary: '',
    };
    expect(() => unionOptions([...COMMANDS, clash])).toThrow('option --reason is declared differently by "x"');
  });

  it('have one command per path and a synopsis showing required and optional parts', () => {
    const paths = COMMANDS.map((command) => command.path.join(' '));
    expect(new Set(paths).size).toBe(paths.length);
    const byPath = (path: string) => COMMANDS.find((command) => command.path.join(' ') === path)!;
    expect(synopsis(byPath('rotate'))).toBe('keyward rotate <key-set> --reason <text> [--immediate]');
    expect(synopsis(byPath('tokens create'))).toBe(
      'keyward tokens create <name> --grant <key-set:scope,...>... [--ttl <duration>]',
    );
    expect(synopsis(byPath('users create'))).toBe(
      'keyward users create <username> --role <viewer|operator|admin> --password-stdin',
    );
    expect(synopsis(byPath('login'))).toBe('keyward login <username> --password-stdin');
  });

  it('mark only login as needing no token', () => {
    expect(COMMANDS.filter((command) => command.anonymous === true).map((command) => command.path.join(' '))).toEqual([
      'login',
    ]);
  });
});
