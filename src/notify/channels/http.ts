import { describeError, type ChannelResult } from './channel.js';

/** An HTTP answer, read up to a size limit. */
export interface HttpAnswer {
  status: number;
  text: string;
  retryAfterMs?: number;
}

/** Longest response text kept (for the failure reason and the robots' JSON answer). */
const MAX_TEXT = 8_192;

/**
 * POSTs a JSON body with a timeout; `signal` aborts it too. Redirects are not followed (a
 * notification endpoint that redirects is misconfigured). Returns the answer, or a
 * retryable failure for network errors and timeouts. Never throws.
 */
export async function postJson(
  url: string | URL,
  body: string,
  headers: Record<string, string>,
  opts: { signal: AbortSignal; timeoutMs: number },
): Promise<HttpAnswer | Extract<ChannelResult, { ok: false }>> {
  // A controller and a timer of our own rather than AbortSignal.any/timeout, whose combined
  // signals Node 20 can garbage-collect mid-request, leaving the request without its timeout.
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), opts.timeoutMs);
  const onAbort = () => ctl.abort();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) ctl.abort();
  const { signal } = ctl;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
      redirect: 'manual',
      signal,
    });
    const text = (await res.text()).slice(0, MAX_TEXT);
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
    return { status: res.status, text, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  } catch (err) {
    if (opts.signal.aborted) return { ok: false, retryable: true, reason: 'aborted: the dispatcher is stopping' };
    if (signal.aborted) return { ok: false, retryable: true, reason: `timeout after ${opts.timeoutMs} ms` };
    return { ok: false, retryable: true, reason: `network: ${describeError(err)}` };
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Classifies an HTTP status: 2xx sent; 408, 429 and 5xx retryable; other 4xx (and
 * redirects) not retryable, since the same request would be refused again.
 */
export function classifyStatus(answer: HttpAnswer): ChannelResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return { ok: true };
  const reason = `HTTP ${status}${answer.text ? `: ${answer.text.slice(0, 300)}` : ''}`;
  const retryable = status === 408 || status === 429 || status >= 500;
  return { ok: false, retryable, reason, ...(retryable && answer.retryAfterMs !== undefined ? { retryAfterMs: answer.retryAfterMs } : {}) };
}

/** `Retry-After` as ms: delta seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether `postJson` answered (as opposed to failing before an answer). */
export function isAnswer(x: HttpAnswer | ChannelResult): x is HttpAnswer {
  return 'status' in x;
}
