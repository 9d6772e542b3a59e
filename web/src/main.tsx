// First, before React: boot.ts asks who is signed in and starts what the first screen needs.
import { loadApp, prepare, publicPage, session, startedOffline } from './boot';
import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { Lang } from '../../src/api';
import { post, setCsrf } from './shared/http';
import { SignInForm } from './features/auth/sign-in-form';
import './styles.css';

/*
 * The first screen on a slow county network. This entry holds React and the sign-in form,
 * nothing of Ant Design, so a phone shows the form as soon as this small chunk has arrived.
 * The app itself (app.tsx: the shell and the board; other screens load when opened) shows once
 * the user is signed in; for someone who is not, it downloads while they type.
 */
const root = createRoot(document.getElementById('root')!);
const savedLang = (): Lang => (localStorage.getItem('yingji.lang') === 'en' ? 'en' : 'zh');

async function showApp(): Promise<void> {
  const [{ App }, { setLang }] = await Promise.all([loadApp(), import('./shared/i18n')]);
  // The language may have been switched on the sign-in form after the app's words were loaded.
  setLang(savedLang());
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

function SignIn() {
  const [lang, setLang] = useState<Lang>(savedLang);
  // The form is on screen: the app's code may take the network now.
  useEffect(() => void loadApp(), []);
  const switchLang = (next: Lang) => {
    localStorage.setItem('yingji.lang', next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLang(next);
  };
  const signIn = async (username: string, password: string) => {
    const res = await post<{ csrf_token: string }>('/api/login', { username, password });
    setCsrf(res.csrf_token);
    prepare();
    await showApp();
  };
  return <SignInForm lang={lang} onLang={switchLang} onSignIn={signIn} />;
}

async function start(): Promise<void> {
  document.documentElement.lang = savedLang() === 'zh' ? 'zh-CN' : 'en';
  const me = await session;
  if (me) setCsrf(me.csrf_token);
  // Opened in a dead zone as whoever was signed in last: once the connection returns the page
  // starts again, asks who is signed in, and sends what waits on the phone.
  if (startedOffline) window.addEventListener('online', () => location.reload(), { once: true });
  // Signed in, or a page that needs no account (boot.ts has started loading the app for both).
  if (me || publicPage) return showApp();
  // Opened without a connection (the service worker's copy): who is signed in cannot be asked.
  // The sign-in form shows; once the connection returns the page starts again, and a session
  // still valid opens the app, which sends what waits on the phone.
  if (!navigator.onLine) window.addEventListener('online', () => location.reload(), { once: true });
  root.render(
    <StrictMode>
      <SignIn />
    </StrictMode>,
  );
}

void start();

// The installable app's service worker (vite.config.ts): the app shell opens again without a
// connection. Browsers allow it over HTTPS and on localhost only; elsewhere the app works as before
// (in development there is no sw.js: the registration fails, quietly).
if ('serviceWorker' in navigator && window.isSecureContext) {
  window.addEventListener('load', () => void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => {}));
}
