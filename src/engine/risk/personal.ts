/**
 * What the early-warning register refuses to hold (safeguards, "Never"): fields about a person,
 * and free text with personal identifiers or watch-list wording. No dependencies, so the web UI
 * checks a form with the same rules the server applies.
 */

/** Fields that would describe a person: named here so the refusal can say why (safeguards, "Never"). */
export const PERSON_FIELDS = new Set([
  'name', 'names', 'full_name', 'person', 'persons', 'people', 'petitioner', 'petitioners', 'representative', 'representatives',
  'key_person', 'key_persons', 'phone', 'phones', 'mobile', 'tel', 'telephone', 'contact', 'contacts', 'email', 'wechat', 'qq',
  'id_number', 'id_no', 'id_card', 'idcard', 'identity', 'identity_number', 'address', 'home_address', 'birth', 'birthday', 'gender', 'age',
]);

/** Patterns of personal data or of a watch-list in free text, each with what it is. */
const PERSONAL_PATTERNS: readonly [RegExp, string][] = [
  [/(?<![0-9])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/, 'an ID number'],
  [/(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9])/, 'a phone number'],
  [/(?<![0-9])0\d{2,3}-\d{7,8}(?![0-9])/, 'a phone number'],
  // The look-behind starts a match only where an address can start: linear, even on long text.
  [/(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, 'an e-mail address'],
  [/姓名|身份证号|手机号|联系电话|电话号码|联系方式|家庭住址/, 'personal details'],
  [/重点人(?![群才])|维稳对象|管控对象|上访户|稳控|盯控|布控|黑名单|key[ -]?persons?|watch[ -]?list|black[ -]?list|dossier/i, 'a watch-list of people'],
];

/** Traditional and variant forms of the characters above, read as their simplified forms. */
const SIMPLIFIED: Record<string, string> = {
  點: '点', 員: '员', 維: '维', 穩: '稳', 對: '对', 訪: '访', 戶: '户', 戸: '户', 單: '单', 佈: '布', 黒: '黑',
  證: '证', 號: '号', 機: '机', 聯: '联', 繫: '系', 係: '系', 電: '电', 話: '话', 碼: '码',
};
const TRADITIONAL = new RegExp(`[${Object.keys(SIMPLIFIED).join('')}]`, 'g');
/** Characters that show nothing and may hide a word (zero-width spaces and joiners, soft hyphens). */
const INVISIBLE = /[\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufeff]/g;
/** Separators people put inside numbers and words: spaces, dots, dashes, underscores, middle dots. */
const SEPARATORS = /[\s.\-_~·•・‧\u2010-\u2015\u2212\u30fc]+/g;

/**
 * Text as the screen reads it: NFKC (full-width digits and letters become ASCII, full-width
 * punctuation plain), invisible characters dropped, traditional forms read as simplified.
 */
export function normaliseText(text: string): string {
  return text.normalize('NFKC').replace(INVISIBLE, '').replace(TRADITIONAL, (c) => SIMPLIFIED[c]!);
}

/**
 * What personal data or watch-list wording a text holds, or null when it is about a matter only.
 * Pure. The text is normalised first and read twice: as written, and with separators removed
 * (`138.1234.5678`, `110101 19900307 1234`, `维 稳 对 象`). Names cannot be told apart from
 * other words reliably; labels such as 姓名 can.
 */
export function personalDataIn(text: string): string | null {
  const plain = normaliseText(text);
  const compact = plain.replace(SEPARATORS, '');
  for (const [re, what] of PERSONAL_PATTERNS) if (re.test(plain) || re.test(compact)) return what;
  return null;
}
