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
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, 'an e-mail address'],
  [/姓名|身份证号|手机号|联系电话|电话号码|联系方式|家庭住址/, 'personal details'],
  [/重点人员|重点人物|稳控|盯控|布控|黑名单|key[ -]?persons?|watch[ -]?list|black[ -]?list|dossier/i, 'a watch-list of people'],
];

/**
 * What personal data or watch-list wording a text holds, or null when it is about a matter only.
 * Pure. Names cannot be told apart from other words reliably; labels such as 姓名 can.
 */
export function personalDataIn(text: string): string | null {
  for (const [re, what] of PERSONAL_PATTERNS) if (re.test(text)) return what;
  return null;
}
