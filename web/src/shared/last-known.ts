import type { Me, PlanInfo } from '../../../src/api';
import { ApiError } from './http';

/*
 * What the phone last knew, to open the app in a dead zone: who is signed in and the active
 * plan with its organization, as the server last said. The service worker keeps the app's code;
 * this keeps the two answers the app cannot start without. Never the CSRF token (a command
 * waits on the phone until the connection returns and the session is asked again), never
 * anything about petitioners. Forgotten at sign-out, and when the server says nobody is signed in.
 */

const KEYS = { me: 'yingji.last.me', plan: 'yingji.last.plan' } as const;
type Known = { me: Me; plan: PlanInfo };

/** A request that never reached the server (no connection), as opposed to an answer from it. */
export function unreachable(err: unknown): boolean {
  return !(err instanceof ApiError);
}

export function remember<K extends keyof Known>(what: K, value: Known[K]): void {
  try {
    const kept = what === 'me' ? { ...(value as Me), csrf_token: null } : value;
    localStorage.setItem(KEYS[what], JSON.stringify(kept));
  } catch {
    // Storage full or refused (private mode): the app still works with a connection.
  }
}

export function recall<K extends keyof Known>(what: K): Known[K] | null {
  try {
    const text = localStorage.getItem(KEYS[what]);
    return text ? (JSON.parse(text) as Known[K]) : null;
  } catch {
    return null;
  }
}

/**
 * The answer of `request`, remembered; without a connection, what the phone last knew of it
 * (an answer from the server, an error included, stands).
 */
export function orLastKnown<K extends keyof Known>(what: K, request: Promise<Known[K]>): Promise<Known[K]> {
  return request.then(
    (fresh) => {
      remember(what, fresh);
      return fresh;
    },
    (err: unknown) => {
      const known = unreachable(err) ? recall(what) : null;
      if (!known) throw err;
      return known;
    },
  );
}

/** Forgets who was signed in (sign-out, or the server said the session is over). */
export function forgetSession(): void {
  try {
    localStorage.removeItem(KEYS.me);
  } catch {
    // nothing to forget
  }
}
