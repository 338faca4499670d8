// Building blocks for the zod schemas that read environment variables (config/config.ts and
// transport/tls-config.ts). Kept at the root so both folders use them without depending on each other.
import { resolve } from 'node:path';
import { z } from 'zod';

export type Env = Readonly<Record<string, string | undefined>>;

/** An object schema over the environment: `shape` names the variables; an empty value counts as unset. */
export function envSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.preprocess(
    (env: Env) => Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== '')),
    z.object(shape),
  );
}

/**
 * For a rule between variables: zod skips a refinement once some issues were found, but every
 * problem must come out at once. The rule then sees unparsed values, so it should test presence only.
 */
export const EVEN_AFTER_ISSUES = { when: () => true };

/** Decimal digits only, read as a number from `min` to `max`; `unit` tells the operator what it counts. */
export function wholeNumber(unit: string, min: number, max: number) {
  const error: z.core.$ZodErrorMap = (issue) => `must be ${unit} from ${min} to ${max}, got "${String(issue.input)}"`;
  return z
    .string()
    .regex(/^\d+$/, { error })
    .transform(Number)
    .pipe(z.number().min(min, { error }).max(max, { error }));
}

/** A path, resolved against the working directory at start. */
export const filePath = z.string().transform((path) => resolve(path));

/**
 * One line per issue: the variable (the first step of its path) and the message. A rule about
 * several variables leaves the path empty and names them in its message.
 */
export function problemsOf(error: z.ZodError): string[] {
  return error.issues.map(({ path, message }) => (path.length === 0 ? message : `${String(path[0])} ${message}`));
}
