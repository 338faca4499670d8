// What a person reads when Keyward refuses an action: the gRPC status turned into a sentence they
// can act on, and a policy refusal split into the fields it names. Never a stack trace.
import { status } from '@grpc/grpc-js';

/** The parts of a gRPC error this needs (a ServiceError has them). */
export interface GrpcFailure {
  readonly code: status;
  readonly details: string;
}

export function isGrpcFailure(error: unknown): error is GrpcFailure {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'number' &&
    typeof (error as Partial<GrpcFailure>).details === 'string'
  );
}

/**
 * `doing` completes "Your role (viewer) cannot …", e.g. "rotate keys". The service's own messages
 * (INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, ALREADY_EXISTS) are written for the caller and
 * never carry secrets, so they are shown as they are.
 */
export function failureMessage(failure: GrpcFailure, doing: string, role: string): string {
  switch (failure.code) {
    case status.PERMISSION_DENIED:
      return `Your role (${role}) cannot ${doing}.`;
    case status.INVALID_ARGUMENT:
    case status.FAILED_PRECONDITION:
    case status.NOT_FOUND:
    case status.ALREADY_EXISTS:
    case status.RESOURCE_EXHAUSTED:
      return sentence(failure.details);
    case status.UNAVAILABLE:
    case status.DEADLINE_EXCEEDED:
      return `Keyward did not answer, so nothing is known to have changed. Reload the page to see the current state before you try to ${doing} again.`;
    default:
      return `Keyward could not ${doing} (${status[failure.code] ?? failure.code}). Reload the page to see the current state; if it happens again, the service log says why.`;
  }
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return 'Keyward refused the request.';
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export interface FieldProblem {
  /** The policy field it names (snake_case, as KeySetPolicy spells it), or undefined for the whole. */
  readonly field: string | undefined;
  readonly message: string;
}

const POLICY_FIELDS = new Set([
  'algorithm',
  'rsa_modulus_bits',
  'rotation_period',
  'pre_publish_period',
  'grace_period',
  'retention_period',
  'max_token_ttl',
  'excess_ttl',
  'auto_rotate',
  'activation_readiness',
]);

/** The server names readiness problems by these; the form has one "activation_readiness" group. */
const FIELD_ALIASES: Readonly<Record<string, string>> = {
  activation_min_share: 'activation_readiness',
  activation_max_delay: 'activation_readiness',
  'activation_readiness.min_share': 'activation_readiness',
  'activation_readiness.max_delay': 'activation_readiness',
};

/**
 * "the policy is refused: pre_publish_period: 60s is …; grace_period: …" → one problem per field.
 * A problem's own text may hold "; ", so only "; <field>: " starts a new one.
 */
export function policyProblems(details: string): FieldProblem[] {
  const body = details.replace(/^the policy is refused: /, '');
  return body.split(/; (?=[a-z_.]+: )/).map((part) => {
    const match = /^(?:policy\.)?([a-z_.]+): ([\s\S]*)$/.exec(part);
    const field = match === null ? undefined : (FIELD_ALIASES[match[1]!] ?? match[1]!);
    if (match === null || field === undefined || !POLICY_FIELDS.has(field)) {
      return { field: undefined, message: sentence(part) };
    }
    return { field, message: sentence(match[2]!) };
  });
}
