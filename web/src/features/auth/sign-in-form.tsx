import { useState, type FormEvent } from 'react';
import type { Lang } from '../../../../src/api';
import { signIn, type SignInKey } from '../../locales/sign-in';

/**
 * The sign-in form: React and a few lines of CSS (`.yj-signin` in styles.css), without Ant
 * Design, i18next or the router, because it is the first thing a phone on a slow network shows
 * (main.tsx loads it before anything else). It looks like the rest of the UI.
 */
export function SignInForm({ lang, onLang, onSignIn }: { lang: Lang; onLang: (lang: Lang) => void; onSignIn: (username: string, password: string) => Promise<void> }) {
  const t = (key: SignInKey) => signIn[lang][key];
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await onSignIn(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };
  return (
    <div className="yj-signin">
      <div className="yj-signin-card">
        <div className="yj-signin-head">
          <span>{`${t('app.name')} · ${t('login.title')}`}</span>
          <button type="button" className="yj-signin-lang" onClick={() => onLang(lang === 'zh' ? 'en' : 'zh')} data-testid="lang-switch">
            {t('nav.language')}
          </button>
        </div>
        <form className="yj-signin-body" onSubmit={(e) => void submit(e)}>
          <label htmlFor="yj-username">{t('login.username')}</label>
          <input id="yj-username" name="username" required autoComplete="username" autoCapitalize="none" spellCheck={false} data-testid="username" />
          <label htmlFor="yj-password">{t('login.password')}</label>
          <input id="yj-password" name="password" type="password" required autoComplete="current-password" data-testid="password" />
          {error && (
            <div className="yj-signin-error" role="alert">
              {`${t('login.failed')}: ${error}`}
            </div>
          )}
          <button type="submit" className="yj-signin-submit" disabled={busy} aria-busy={busy} data-testid="login-submit">
            {busy && <span className="yj-signin-spinner" aria-hidden="true" />}
            {t('login.submit')}
          </button>
        </form>
      </div>
      {/* Petitioners look up their case without an account. */}
      <div className="yj-signin-track">
        <a href="/track" data-testid="track-link">
          {t('login.track')}
        </a>
      </div>
    </div>
  );
}
