import i18next from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import type { Lang } from '../../../src/api';
import { MESSAGES } from '../../../src/api/texts';
import { en } from '../locales/en';
import { zh } from '../locales/zh';

const saved = typeof localStorage !== 'undefined' ? localStorage.getItem('yingji.lang') : null;
export const initialLang: Lang = saved === 'en' ? 'en' : 'zh';

/** Chinese first, English second; domain words shared with the CLI. Keys contain dots, so no key separator. */
void i18next.use(initReactI18next).init({
  lng: initialLang,
  fallbackLng: 'zh',
  keySeparator: false,
  nsSeparator: false,
  interpolation: { escapeValue: false },
  resources: {
    zh: { translation: { ...MESSAGES.zh, ...zh } },
    en: { translation: { ...MESSAGES.en, ...en } },
  },
});

export function setLang(lang: Lang): void {
  localStorage.setItem('yingji.lang', lang);
  void i18next.changeLanguage(lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

/** The translate function and the current language. */
export function useT() {
  const { t, i18n } = useTranslation();
  return { t: t as (key: string, vars?: Record<string, unknown>) => string, lang: (i18n.language === 'en' ? 'en' : 'zh') as Lang };
}

export default i18next;
