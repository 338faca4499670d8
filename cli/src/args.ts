// The command line: `keyward <command words> <arguments> [--options]`, options anywhere (global
// ones too), parsed with node's util.parseArgs and then checked against the command's own table,
// so every mistake is a UsageError naming the option or argument, followed by the usage line.
// Neither the API token nor a password is ever an argument: `--token` and `--password` are refused
// with the ways to pass them instead.

import { parseArgs } from 'node:util';
import { UsageError } from './failure.js';

export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's placeholder in usage lines, e.g. "text" for `--reason <text>`. */
  readonly value?: string;
  readonly help: string;
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What the parser needs to know of a command (cli/commands/command.ts adds how it runs). */
export interface CommandShape {
  /** The command words, e.g. ["key-sets", "create"]. */
  readonly path: readonly string[];
  /** Names of the positional arguments after the words, all required, e.g. ["key-set"]. */
  readonly args: readonly string[];
  readonly options: OptionSpecs;
  /** Options that must be given. */
  readonly required?: readonly string[];
  readonly summary: string;
}

/** Options every command takes. */
export const GLOBAL_OPTIONS: OptionSpecs = {
  server: {
    type: 'string',
    value: 'host:port',
    help: 'the Keyward gRPC address (KEYWARD_SERVER; default 127.0.0.1:50051)',
  },
  ca: {
    type: 'string',
    value: 'pem',
    help: 'use TLS, trusting this CA certificate (KEYWARD_CA); without it: plaintext',
  },
  cert: { type: 'string', value: 'pem', help: 'client certificate for mutual TLS (KEYWARD_CLIENT_CERT)' },
  key: { type: 'string', value: 'pem', help: 'its private key (KEYWARD_CLIENT_KEY)' },
  'token-file': {
    type: 'string',
    value: 'path',
    help: 'file holding the API token (KEYWARD_TOKEN_FILE); or set KEYWARD_TOKEN',
  },
  timeout: { type: 'string', value: 'seconds', help: 'deadline of each call (default 10)' },
  json: { type: 'boolean', help: 'print the response as one JSON document' },
  help: { type: 'boolean', short: 'h', help: 'show the usage' },
};

export const GENERAL_USAGE = 'usage: keyward <command> [arguments] [options]   (`keyward help` lists the commands)';

function refusal(secret: string, instead: string): string {
  return `${secret} is never taken on the command line (it would be kept in shell history and shown by ps): ${instead}`;
}

/** Options that would put a secret on the command line, and what to do instead. */
const SECRET_OPTIONS: ReadonlyMap<string, string> = new Map([
  ['token', refusal('the API token', 'set KEYWARD_TOKEN, or KEYWARD_TOKEN_FILE / --token-file to a file holding it')],
  [
    'password',
    refusal(
      'a password',
      'pipe it to --password-stdin, e.g. printf \'%s\' "$PW" | keyward users create alice --role operator --password-stdin',
    ),
  ],
]);

export type ParsedCommandLine<C extends CommandShape> =
  | { readonly kind: 'help'; readonly commands: readonly C[] }
  | { readonly kind: 'run'; readonly command: C; readonly input: CommandInput };

/** The arguments and options of one command, already checked against its table. */
export class CommandInput {
  constructor(
    private readonly positionals: ReadonlyMap<string, string>,
    private readonly values: ReadonlyMap<string, readonly string[] | true>,
    /** The command's usage line, for errors found while reading a value. */
    readonly usage: string,
  ) {}

  arg(name: string): string {
    const value = this.positionals.get(name);
    if (value === undefined) throw new Error(`no argument <${name}> in this command's table`);
    return value;
  }

  string(name: string): string | undefined {
    const value = this.values.get(name);
    return value === undefined || value === true ? undefined : value[value.length - 1];
  }

  strings(name: string): readonly string[] {
    const value = this.values.get(name);
    return value === undefined || value === true ? [] : value;
  }

  flag(name: string): boolean {
    return this.values.get(name) === true;
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** A UsageError that ends with this command's usage line. */
  usageError(message: string): UsageError {
    return new UsageError(message, this.usage);
  }
}

/** `keyward rotate <key-set> --reason <text> [--immediate]` */
export function synopsis(command: CommandShape): string {
  const required = new Set(command.required ?? []);
  const option = (name: string, spec: OptionSpec): string =>
    spec.type === 'boolean'
      ? `--${name}`
      : `--${name} <${spec.value ?? 'value'}>${spec.multiple === true ? '...' : ''}`;
  const entries = Object.entries(command.options);
  return [
    'keyward',
    ...command.path,
    ...command.args.map((arg) => `<${arg}>`),
    ...entries.filter(([name]) => required.has(name)).map(([name, spec]) => option(name, spec)),
    ...entries.filter(([name]) => !required.has(name)).map(([name, spec]) => `[${option(name, spec)}]`),
  ].join(' ');
}

export function usageOf(commands: readonly CommandShape[]): string {
  return commands.map((command, i) => `${i === 0 ? 'usage:' : '      '} ${synopsis(command)}`).join('\n');
}

/**
 * Quotes a value from the command line back in a message, unless it looks like an API token
 * (someone pasting one as an argument must not see it printed, or logged by CI, again).
 */
export function quoteArg(text: string): string {
  if (/^kw_/.test(text.trim())) return '(a value that looks like an API token)';
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** All option tables merged; an option name means the same thing in every command. */
export function unionOptions(commands: readonly CommandShape[]): OptionSpecs {
  const union: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const command of commands) {
    for (const [name, spec] of Object.entries(command.options)) {
      const known = union[name];
      if (known !== undefined && (known.type !== spec.type || (known.multiple ?? false) !== (spec.multiple ?? false))) {
        throw new Error(`option --${name} is declared differently by "${command.path.join(' ')}"`);
      }
      union[name] = known ?? spec;
    }
  }
  return union;
}

export function parseCommandLine<C extends CommandShape>(
  argv: readonly string[],
  commands: readonly C[],
): ParsedCommandLine<C> {
  const union = unionOptions(commands);
  const { positionals, tokens } = parseArgs({
    args: [...argv],
    options: Object.fromEntries(
      Object.entries(union).map(([name, spec]) => [
        name,
        {
          type: spec.type,
          multiple: spec.multiple ?? false,
          ...(spec.short === undefined ? {} : { short: spec.short }),
        },
      ]),
    ),
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const options = tokens.flatMap((token) => (token.kind === 'option' ? [token] : []));
  const secret = options.map((token) => SECRET_OPTIONS.get(token.name)).find((message) => message !== undefined);
  if (secret !== undefined) throw new UsageError(secret, GENERAL_USAGE);

  const helpWanted = positionals[0] === 'help' || options.some((token) => token.name === 'help');
  if (helpWanted) {
    const topic = positionals[0] === 'help' ? positionals.slice(1) : positionals;
    return { kind: 'help', commands: helpTopic(topic, commands) };
  }

  const command = findCommand(positionals, commands);
  const usage = usageOf([command]);
  const allowed: OptionSpecs = { ...GLOBAL_OPTIONS, ...command.options };
  const values = new Map<string, string[] | true>();
  for (const token of options) {
    const spec = allowed[token.name];
    const shown = token.rawName.startsWith('--') ? `--${token.name}` : token.rawName;
    if (spec === undefined) {
      // Key ids are base64url: one in 64 starts with "-" and reads as short options.
      const whole = argv[token.index] ?? shown;
      const hint =
        !whole.startsWith('--') && command.args.length > 0
          ? ` (an argument starting with "-" goes after "--", e.g. keyward ${command.path.join(' ')} [options] -- ${quoteArg(whole)})`
          : '';
      throw new UsageError(`unknown option ${shown} for "keyward ${command.path.join(' ')}"${hint}`, usage);
    }
    if (spec.type === 'boolean') {
      if (token.value !== undefined) throw new UsageError(`${shown} takes no value`, usage);
      values.set(token.name, true);
      continue;
    }
    if (token.value === undefined) throw new UsageError(`${shown} needs a value <${spec.value ?? 'value'}>`, usage);
    if (token.inlineValue === false && token.value.startsWith('-') && token.value !== '-') {
      throw new UsageError(`${shown} needs a value (write ${shown}=<value> for one starting with "-")`, usage);
    }
    const previous = values.get(token.name);
    if (previous !== undefined && previous !== true && spec.multiple !== true) {
      throw new UsageError(`${shown} is given twice`, usage);
    }
    values.set(token.name, [...(previous === undefined || previous === true ? [] : previous), token.value]);
  }

  const rest = positionals.slice(command.path.length);
  const missingArg = command.args[rest.length];
  if (missingArg !== undefined) throw new UsageError(`missing <${missingArg}>`, usage);
  if (rest.length > command.args.length) {
    const extra = rest[command.args.length] ?? '';
    throw new UsageError(`unexpected argument ${quoteArg(extra)} for "keyward ${command.path.join(' ')}"`, usage);
  }
  for (const name of command.required ?? []) {
    if (!values.has(name)) {
      const spec = command.options[name];
      throw new UsageError(`missing --${name}${spec?.type === 'string' ? ` <${spec.value ?? 'value'}>` : ''}`, usage);
    }
  }
  const named = new Map(command.args.map((name, i) => [name, rest[i] ?? ''] as const));
  return { kind: 'run', command, input: new CommandInput(named, values, usage) };
}

/** The command whose words start the positionals (the longest such), or a UsageError. */
function findCommand<C extends CommandShape>(positionals: readonly string[], commands: readonly C[]): C {
  const matching = commands.filter((command) => command.path.every((word, i) => positionals[i] === word));
  const best = matching.sort((a, b) => b.path.length - a.path.length)[0];
  if (best !== undefined) return best;
  const first = positionals[0];
  if (first === undefined) throw new UsageError('no command given', GENERAL_USAGE);
  const group = commands.filter((command) => command.path.length > 1 && command.path[0] === first);
  if (group.length > 0) {
    const second = positionals[1];
    const message =
      second === undefined
        ? `"keyward ${first}" needs a subcommand: ${group.map((command) => command.path.slice(1).join(' ')).join(', ')}`
        : `unknown command "${first} ${quoteArg(second).replace(/^"|"$/g, '')}"`;
    throw new UsageError(message, usageOf(group));
  }
  throw new UsageError(`unknown command ${quoteArg(first)}`, GENERAL_USAGE);
}

/** What `keyward help <topic>` describes: one command, a group, or all of them. */
function helpTopic<C extends CommandShape>(topic: readonly string[], commands: readonly C[]): readonly C[] {
  if (topic.length === 0) return commands;
  const exact = commands
    .filter((command) => command.path.every((word, i) => topic[i] === word))
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (exact !== undefined) return [exact];
  const group = commands.filter((command) => topic.every((word, i) => command.path[i] === word));
  if (group.length > 0) return group;
  throw new UsageError(`no command ${quoteArg(topic.join(' '))}`, GENERAL_USAGE);
}
