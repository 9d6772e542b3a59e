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

/** The language the reader chose (i18n.ts and the sign-in form keep it here), Chinese by default. */
function uiLang(): string {
  try {
    return localStorage.getItem('yingji.lang') === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export async function api<T = unknown>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: {
      ...(body !== undefined ? { 'content-type': typeof body === 'string' ? 'text/csv' : 'application/json' } : {}),
      ...(method !== 'GET' && csrf ? { 'x-csrf-token': csrf } : {}),
      // Refusals and errors come back in the reader's language (the server's refusals.ts).
      'accept-language': uiLang(),
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

/**
 * GETs started before the code that needs them has loaded (boot.ts), each taken by the first
 * get() of its path within a short while; an answer nobody took in time is not used later.
 */
const early = new Map<string, { answer: Promise<unknown>; at: number }>();
const EARLY_MS = 30_000;

/** Starts a GET now, or records an answer (or a request) already under way; the next get(path) takes it instead of asking again. */
export function prefetch(path: string, answer?: unknown): void {
  const p = answer !== undefined ? Promise.resolve(answer) : api('GET', path);
  p.catch(() => {}); // a failure surfaces at the get() that takes it
  early.set(path, { answer: p, at: Date.now() });
}

export const get = <T = unknown>(path: string): Promise<T> => {
  const e = early.get(path);
  early.delete(path);
  return e && Date.now() - e.at < EARLY_MS ? (e.answer as Promise<T>) : api<T>('GET', path);
};
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
