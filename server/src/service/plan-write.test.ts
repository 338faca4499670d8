import { describe, expect, it } from 'vitest';
import { KeywardError } from '../errors.js';
import { transition, type Plan } from '../lifecycle/plan.js';
import { KEY_STATES } from '../lifecycle/states.js';
import { isAllowedTransition } from '../lifecycle/transitions.js';
import { planToWrite } from './plan-write.js';

const AT = new Date('2030-01-01T00:00:00Z');
const context = { now: AT, actor: 'test', reason: null, minted: undefined };

describe('planToWrite', () => {
  it('writes exactly the moves the transition table allows, and refuses every other one', () => {
    for (const from of KEY_STATES) {
      for (const to of KEY_STATES) {
        const plan: Plan = { event: 'key.revoked', changes: [transition('kid-1', from, to, AT)] };
        if (isAllowedTransition(from, to)) {
          expect(planToWrite(plan, context).write.changes).toEqual([{ kid: 'kid-1', from, to, at: AT, reason: null }]);
        } else {
          expect(() => planToWrite(plan, context)).toThrow(
            new KeywardError('FAILED_PRECONDITION', `key kid-1 is ${from} and cannot become ${to}`),
          );
        }
      }
    }
  });
});
