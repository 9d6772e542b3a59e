import { api, prefetch } from './shared/http';
import { live } from './shared/live';
import type { Me } from '../../src/api';
import { forgetSession, recall, remember, unreachable } from './shared/last-known';

/*
 * The first code to run: main.tsx imports it before React, so it asks who is signed in while
 * React is still starting. For a signed-in user it starts at once what the first screen needs:
 * the app's code, the plan, the incidents and the live stream. The tracking and acknowledgement
 * pages need no account: they ask the server nothing about the session.
 */

/** The tracking and acknowledgement pages. */
export const publicPage = /^\/(track|a)(\/|$)/.test(location.pathname);

/** Opened without a connection: who is signed in is what the phone last knew (last-known.ts). */
export let startedOffline = false;

/**
 * Who is signed in; null for nobody (or a failed answer), and on the pages that need no account.
 * Without a connection, whoever was signed in last on this phone, so what waits to be sent shows.
 */
export const session: Promise<Me | null> = publicPage
  ? Promise.resolve(null)
  : api<Me>('GET', '/api/me').then(
      (me) => {
        remember('me', me);
        return me;
      },
      (err: unknown) => {
        if (!unreachable(err)) {
          forgetSession();
          return null;
        }
        const known = recall('me');
        startedOffline = known !== null;
        return known;
      },
    );

let app: Promise<typeof import('./app')> | null = null;
/** The app's code (the shell and the board; other screens load when opened), downloaded once. */
export const loadApp = () => (app ??= import('./app'));

/** What a signed-in session asks for first (the app's own first requests take these answers); `me` when known. */
export function prepare(me?: Me): void {
  prefetch('/api/me', me);
  prefetch('/api/plan');
  // The board's first page of cards, when the board is the first screen (board.store.ts asks for the rest).
  if (location.pathname === '/') prefetch('/api/board');
  live.start();
  void loadApp();
}

if (publicPage) void loadApp();
else void session.then((me) => me && prepare(me));
