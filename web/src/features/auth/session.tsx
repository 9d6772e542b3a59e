import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { ApiError, get, post, setCsrf } from '../../shared/http';
import { forgetSession, orLastKnown } from '../../shared/last-known';
import { live } from '../../shared/live';
import type { Me } from '../../../../src/api';

interface Session {
  me: Me | null;
  loading: boolean;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in; the CSRF token for writes; starts the live stream once signed in. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(async () => {
    try {
      // Without a connection: whoever was signed in last on this phone (last-known.ts).
      const who = await orLastKnown('me', get<Me>('/api/me'));
      setCsrf(who.csrf_token);
      setMe(who);
      live.start();
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      forgetSession();
      setMe(null);
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const signIn = async (username: string, password: string) => {
    const res = await post<{ csrf_token: string }>('/api/login', { username, password });
    setCsrf(res.csrf_token);
    await load();
  };
  const signOut = async () => {
    await post('/api/logout');
    forgetSession();
    setCsrf(null);
    live.stop();
    setMe(null);
  };
  return <SessionContext.Provider value={{ me, loading, signIn, signOut }}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
