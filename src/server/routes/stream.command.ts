import type { Plan } from '../../plan/plan.js';
import type { Refusal } from '../../i18n/refusals.js';
import type { Principal } from '../auth/permissions.js';
import { ApiError, notFound } from '../errors.js';
import type { AnyDefinition, CommandOf, PayloadOf, RejectionOf, StateOf, StreamProcessor } from '../stream.processor.js';

/** How a route runs commands on a stream kind: who may, and how each outcome is answered. */
export interface CommandRoute<D extends AnyDefinition, T> {
  /** The stream as a 404 names it (`incident`, `case`, `matter`). */
  what: string;
  /** May the principal issue the command on the stream as it stands (inside the transaction)? The role it acts in, or why not. */
  permit(command: CommandOf<D>, state: StateOf<D> | null, plan: Plan): { ok: true; role: string | null; onBehalf?: boolean } | { ok: false; reason: Refusal };
  /** The engine's refusal in words. */
  refusal(rejection: RejectionOf<D>): Refusal;
  /** What a 409 shows besides the reason (the incident as it stands). */
  rejected?(state: StateOf<D> | null, plan: Plan): Promise<Record<string, unknown>>;
  /** The answer to an accepted command. */
  present(state: StateOf<D>, plan: Plan): T | Promise<T>;
}

/**
 * Runs a principal's command on a stream (`id` null starts one) and answers: the presented
 * stream, or 404 when there is no such stream, 403 with the permission's reason, 409 with the
 * engine's reason. The same for incidents, cases and matters of the register.
 */
export async function runCommand<D extends AnyDefinition, T>(
  processor: StreamProcessor<D>,
  route: CommandRoute<D, T>,
  p: Principal,
  id: string | null,
  command: CommandOf<D>,
  payload?: PayloadOf<D>,
): Promise<T> {
  const outcome = await processor.submit(
    id,
    command,
    (state, plan) => {
      const permission = route.permit(command, state, plan);
      if (!permission.ok) return { forbidden: permission.reason };
      return { userId: p.userId, username: p.username, role: permission.role, onBehalf: permission.onBehalf ?? false };
    },
    payload,
  );
  if (outcome.kind === 'not_found') throw notFound(route.what);
  if (outcome.kind === 'forbidden') throw new ApiError('forbidden', outcome.reason);
  if (outcome.kind === 'rejected') {
    throw new ApiError('rejected', route.refusal(outcome.rejection), { reason: outcome.rejection.code, ...(await route.rejected?.(outcome.state, outcome.plan)) });
  }
  return route.present(outcome.state, outcome.plan);
}
