import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canonicalJson } from '../../plan/canonical.js';
import type { Plan } from '../../plan/plan.js';
import { refusal as refusalOf, type Refusal } from '../../i18n/refusals.js';
import type { Principal } from '../auth/permissions.js';
import { ApiError, notFound } from '../errors.js';
import type { Actor, AnyDefinition, CommandOf, KeyedOutcomeOf, PayloadOf, RejectionOf, StateOf, StreamProcessor } from '../stream.processor.js';

/** How far the phone's clock (`X-Made-At`) may be from the arrival: a queue kept for weeks, a clock a day fast. */
const MADE_AT_BEFORE_MS = 30 * 24 * 3600_000;
const MADE_AT_AFTER_MS = 24 * 3600_000;
const KEY = /^[A-Za-z0-9_-]{8,64}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The optional headers of a command sent from a phone's queue, as a route declares them (the
 * OpenAPI document shows them); their bounds are checked by `commandHeaders`, with stable codes.
 */
export const CommandHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .optional()
    .describe('8–64 of A–Z a–z 0–9 _ -. A repeat by the same user answers the first outcome (header `Idempotent-Replay: true`) and changes nothing; 400 `invalid_idempotency_key`, 422 `idempotency_key_reused` for another user, stream or command.'),
  'x-made-at': z
    .string()
    .optional()
    .describe('When the command was made on the phone, ISO 8601 with its zone; recorded as the event\'s `made_at` beside its arrival. Deadlines use the arrival. 400 `invalid_made_at`.'),
});

/** What a command's headers say: its idempotency key and when it was made on the phone (epoch ms), each optional. */
export interface SentWith {
  key: string | null;
  madeAt: number | null;
}

/** Reads and bounds `Idempotency-Key` and `X-Made-At`. */
export function commandHeaders(req: FastifyRequest, now: number): SentWith {
  const one = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const key = one('idempotency-key');
  if (key !== undefined && !KEY.test(key)) throw new ApiError('invalid_idempotency_key', refusalOf('error.invalid_idempotency_key'));
  const made = one('x-made-at');
  let madeAt: number | null = null;
  if (made !== undefined) {
    madeAt = made.length <= 40 && ISO.test(made) ? Date.parse(made) : NaN;
    if (!Number.isFinite(madeAt) || madeAt < now - MADE_AT_BEFORE_MS || madeAt > now + MADE_AT_AFTER_MS) throw new ApiError('invalid_made_at', refusalOf('error.invalid_made_at'));
  }
  return { key: key ?? null, madeAt };
}

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
  sent?: SentWith & { reply: FastifyReply },
): Promise<T> {
  const authorize = (state: StateOf<D> | null, plan: Plan): Actor | { forbidden: Refusal } => {
    const permission = route.permit(command, state, plan);
    if (!permission.ok) return { forbidden: permission.reason };
    return { userId: p.userId, username: p.username, role: permission.role, onBehalf: permission.onBehalf ?? false, madeAt: sent?.madeAt ?? null };
  };
  const outcome: KeyedOutcomeOf<D> = sent?.key
    ? await processor.submitKeyed(
        { key: sent.key, userId: p.userId, request: createHash('sha256').update(canonicalJson({ id, command })).digest('hex') },
        id,
        command,
        authorize,
        payload,
      )
    : await processor.submit(id, command, authorize, payload);
  if (outcome.kind === 'key_reused') throw new ApiError('idempotency_key_reused', refusalOf('error.idempotency_key_reused'));
  if (outcome.kind === 'replayed') {
    sent!.reply.header('idempotent-replay', 'true');
    if (outcome.of === 'rejected' || outcome.state === null) {
      const rejection = outcome.rejection!;
      throw new ApiError('rejected', route.refusal(rejection), { reason: rejection.code, ...(await route.rejected?.(outcome.state, outcome.plan)) });
    }
    return route.present(outcome.state, outcome.plan);
  }
  if (outcome.kind === 'not_found') throw notFound(route.what);
  if (outcome.kind === 'forbidden') throw new ApiError('forbidden', outcome.reason);
  if (outcome.kind === 'rejected') {
    throw new ApiError('rejected', route.refusal(outcome.rejection), { reason: outcome.rejection.code, ...(await route.rejected?.(outcome.state, outcome.plan)) });
  }
  return route.present(outcome.state, outcome.plan);
}
