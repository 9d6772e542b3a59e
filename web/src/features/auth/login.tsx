import { SignInForm } from './sign-in-form';
import { setLang, useT } from '../../shared/i18n';
import { useSession } from './session';

/** The sign-in page inside the app (after signing out): the same light form main.tsx shows first. */
export function LoginPage() {
  const { lang } = useT();
  const { signIn } = useSession();
  return <SignInForm lang={lang} onLang={setLang} onSignIn={signIn} />;
}
