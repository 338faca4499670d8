import { invalidArgument } from '../errors.js';

// The time ranges requests ask about (audit events, failure statistics, diagnosis).

/** A time range: `from` before `to` when both are given. */
export function validateRange(from: Date | undefined, to: Date | undefined): void {
  if (from !== undefined && to !== undefined && from.getTime() >= to.getTime()) {
    throw invalidArgument('to', 'must be after from');
  }
}

/** A time range with both ends given, `from` before `to`. */
export function requiredRange(from: Date | undefined, to: Date | undefined): { from: Date; to: Date } {
  if (from === undefined) throw invalidArgument('from', 'is required');
  if (to === undefined) throw invalidArgument('to', 'is required');
  validateRange(from, to);
  return { from, to };
}
