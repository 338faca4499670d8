// What a command line is made of: each command's words, arguments and options (its table, which
// cli/parse.ts turns into a commander program), the options every command takes, the usage lines
// printed after a mistake, and the input a command reads once the line is parsed.

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

/** Options every command takes (-h, --help is commander's own; it is here for the help text). */
export const GLOBAL_OPTIONS = {
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
} satisfies OptionSpecs;

export const GENERAL_USAGE = 'usage: keyward <command> [arguments] [options]   (`keyward help` lists the commands)';

/** A flag's true, a value, or a repeatable option's values. */
export type OptionValue = string | readonly string[] | true;

/** The arguments and options of one command, already checked against its table. */
export class CommandInput {
  constructor(
    private readonly positionals: ReadonlyMap<string, string>,
    /** By option name. */
    private readonly values: ReadonlyMap<string, OptionValue>,
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
    return typeof value === 'string' ? value : undefined;
  }

  strings(name: string): readonly string[] {
    const value = this.values.get(name);
    // Not Array.isArray: it narrows a readonly array to any[].
    return typeof value === 'object' ? value : [];
  }

  flag(name: string): boolean {
    return this.values.get(name) === true;
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
