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
  | 'internal';

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
};

/**
 * An error meant for the client: a stable code, a message, optional details. The error
 * handler turns it into `{ "error": { "code", "message", ... } }` with the code's status.
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
export const forbidden = (reason: string) => new ApiError('forbidden', reason);
