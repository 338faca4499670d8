// Where the command writes, and reads a piped password from. Everything written goes through here,
// which redacts the caller's token and any password read, should they ever be part of a text (they
// are in none by construction: this is the second line of defence).

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** All of standard input, bounded (cli/stdin.ts). */
  readStdin(): Promise<string>;
  /** Standard output is a terminal. */
  readonly interactive?: boolean;
}

export const REDACTED = '[redacted]';

export class Terminal implements Io {
  private readonly secrets: string[] = [];

  readonly interactive: boolean;

  constructor(private readonly io: Io) {
    this.interactive = io.interactive ?? false;
  }

  /** From now on, `secret` is written as [redacted] wherever it occurs. */
  protect(secret: string): void {
    if (secret.length > 0) this.secrets.push(secret);
  }

  stdout(text: string): void {
    this.io.stdout(this.redact(text));
  }

  stderr(text: string): void {
    this.io.stderr(this.redact(text));
  }

  readStdin(): Promise<string> {
    return this.io.readStdin();
  }

  private redact(text: string): string {
    return this.secrets.reduce((current, secret) => current.split(secret).join(REDACTED), text);
  }
}
