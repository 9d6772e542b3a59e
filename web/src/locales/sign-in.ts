/**
 * The words of the sign-in form, in both languages: the first screen loads only these, not the
 * whole UI dictionary (zh.ts and en.ts include them).
 */
export const signIn = {
  zh: {
    'app.name': '应急',
    'login.failed': '登录失败',
    'login.password': '密码',
    'login.submit': '登录',
    'login.title': '登录',
    'login.track': '查询办理进度',
    'login.username': '用户名',
    'nav.language': 'English',
  },
  en: {
    'app.name': 'Yingji',
    'login.failed': 'Sign-in failed',
    'login.password': 'Password',
    'login.submit': 'Sign in',
    'login.title': 'Sign in',
    'login.track': 'Track a case',
    'login.username': 'User name',
    'nav.language': '中文',
  },
} as const;

export type SignInKey = keyof typeof signIn.zh;
