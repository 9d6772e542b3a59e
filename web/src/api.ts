/** The HTTP API client: JSON in and out, the session cookie, and the CSRF header. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly body: Record<string, unknown>,
  ) {
    super(message);
  }
}

let csrf: string | null = null;

export function setCsrf(token: string | null): void {
  csrf = token;
}

export function csrfToken(): string | null {
  return csrf;
}

export async function api<T = unknown>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body !== undefined ? { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' } : {}),
      ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text && res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : { text };
  if (!res.ok) {
    const err = (data.error ?? {}) as { code?: string; message?: string };
    throw new ApiError(res.status, err.code ?? 'error', err.message ?? res.statusText, err as Record<string, unknown>);
  }
  return data as T;
}

export const get = <T = unknown>(path: string) => api<T>('GET', path);
export const post = <T = unknown>(path: string, body: unknown = {}) => api<T>('POST', path, body);

/**
 * A person-readable reason for a failed request: the engine's refusal in the reader's language.
 * `ns` is where the reason codes are translated: `rejection` for incidents, `case.rejection` for cases.
 */
export function errorText(err: unknown, t: (key: string) => string, ns = 'rejection'): string {
  if (err instanceof ApiError && err.code === 'rejected' && typeof err.body.reason === 'string') {
    const key = `${ns}.${err.body.reason}`;
    const text = t(key);
    return text === key ? err.message : text;
  }
  return (err as Error).message;
}
