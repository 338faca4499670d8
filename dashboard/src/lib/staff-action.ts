// The one way a Server Action calls Keyward: with the session's token (callAsStaff: no session,
// sign-in), and Keyward's refusal turned into a sentence for the form. Keyward decides by role;
// the dashboard never decides for it.
import 'server-only';
import { status } from '@grpc/grpc-js';
import { failureMessage, isGrpcFailure, policyProblems, type FieldProblem, type GrpcFailure } from './action-errors';
import { currentStaff } from './session';

export type ActionOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string; readonly problems?: FieldProblem[] };

/**
 * Runs `call` (RPCs through callAsStaff); a gRPC error becomes a message about `doing` ("rotate
 * keys"). Anything else (sign-in redirects included) goes on up.
 */
export async function asStaff<T>(doing: string, call: () => Promise<T>): Promise<ActionOutcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (!isGrpcFailure(error)) throw error;
    const role = await currentStaff()
      .then((staff) => staff.role)
      .catch(() => 'unknown');
    return { ok: false, error: failureMessage(error, doing, role) };
  }
}

/** As asStaff, and a refused policy's problems by the field they name. */
export async function asStaffWithProblems<T>(doing: string, call: () => Promise<T>): Promise<ActionOutcome<T>> {
  let refusal: GrpcFailure | undefined;
  const outcome = await asStaff(doing, () =>
    call().catch((error: unknown) => {
      if (isGrpcFailure(error)) refusal = error;
      throw error;
    }),
  );
  const refused = refusal?.code === status.INVALID_ARGUMENT || refusal?.code === status.FAILED_PRECONDITION;
  return outcome.ok || !refused ? outcome : { ...outcome, problems: policyProblems(refusal!.details) };
}

/** A form field as text ("" when absent or a file). */
export function textOf(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
