import { refusal, say, type Refusal } from '../i18n/refusals.js';

/** Stable error codes of the HTTP API. Clients may rely on them. */
export type ErrorCode =
  | 'bad_request'
  | 'unauthenticated'
  | 'csrf'
  | 'forbidden'
  | 'not_found'
  | 'rejected'
  | 'invalid_plan'
  | 'invalid_scenario'
  | 'invalid_organization'
  | 'conflict'
  | 'rate_limited'
  | 'internal'
  /** A PDF was asked for on a server without LibreOffice: the DOCX is there all the same. */
  | 'pdf_unavailable'
  /** An `Idempotency-Key` header that is not 8–64 of `[A-Za-z0-9_-]`. */
  | 'invalid_idempotency_key'
  /** An `X-Made-At` header that is not an ISO 8601 time with its zone, or far from the arrival. */
  | 'invalid_made_at'
  /** An `Idempotency-Key` already used by another user, or for another stream or command. */
  | 'idempotency_key_reused';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthenticated: 401,
  csrf: 403,
  forbidden: 403,
  not_found: 404,
  rejected: 409,
  invalid_plan: 400,
  invalid_scenario: 400,
  invalid_organization: 400,
  conflict: 409,
  rate_limited: 429,
  internal: 500,
  pdf_unavailable: 503,
  invalid_idempotency_key: 400,
  invalid_made_at: 400,
  idempotency_key_reused: 422,
};

/**
 * An error meant for the client: a stable code, a message, optional details. The error
 * handler turns it into `{ "error": { "code", "message", ... } }` with the code's status. A
 * message given as a `Refusal` is said in the language the request asks for (`refusals.ts`);
 * `message` holds its English words, for logs. Any other message is English, and a Chinese
 * reader gets the code's general words instead (the English stays in `detail`).
 */
export class ApiError extends Error {
  readonly status: number;
  readonly refusal: Refusal | null;
  constructor(
    readonly code: ErrorCode,
    message: string | Refusal,
    readonly details?: Record<string, unknown>,
  ) {
    super(typeof message === 'string' ? message : say('en', message));
    this.refusal = typeof message === 'string' ? null : message;
    this.status = STATUS[code];
  }

  /** The message in a language. */
  say(lang: 'zh' | 'en'): { message: string; detail?: string } {
    if (this.refusal) return { message: say(lang, this.refusal) };
    if (lang === 'en') return { message: this.message };
    return { message: say('zh', refusal(`error.${this.code}`)), detail: this.message };
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const forbidden = (reason: string | Refusal) => new ApiError('forbidden', reason);
