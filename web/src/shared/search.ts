import { useEffect, useMemo, useState, type ReactNode } from 'react';

/*
 * Finding a unit, a person or a role as people type it on a phone: by its name (汤沟), by its
 * pinyin (tanggou) or by the initials (tg, tgz). One search for every select that picks units,
 * positions or people. The pinyin library (pinyin-pro, with its dictionary) is fetched only once
 * a page with such a select is open; until it has arrived, names match by their characters, and
 * the selects search again by pinyin the moment it is there.
 */

interface Keys {
  /** The whole pinyin without tones or spaces: `tanggouzhen`. */
  full: string;
  /** The first letter of each syllable: `tgz`. */
  initials: string;
}

let toKeys: ((text: string) => Keys) | null = null;
let loading: Promise<void> | null = null;
const waiting = new Set<() => void>();
const cache = new Map<string, Keys>();

function loadPinyin(): Promise<void> {
  loading ??= import('pinyin-pro')
    .then(({ pinyin }) => {
      toKeys = (text) => ({
        full: pinyin(text, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }).join('').replace(/\s+/g, '').toLowerCase(),
        initials: pinyin(text, { pattern: 'first', toneType: 'none', type: 'array', nonZh: 'removed' }).join('').toLowerCase(),
      });
      for (const done of waiting) done();
      waiting.clear();
    })
    .catch(() => {
      loading = null; // offline: names still match by their characters; try again next time
    });
  return loading;
}

/** Whether a text matches what was typed: its characters, its pinyin, or its initials (case and spaces ignored). */
export function matches(typed: string, text: string): boolean {
  const q = typed.trim().toLowerCase().replace(/\s+/g, '');
  if (!q) return true;
  const plain = text.toLowerCase();
  if (plain.includes(q)) return true;
  if (!toKeys || !/[a-z]/.test(q)) return false;
  let keys = cache.get(text);
  if (!keys) cache.set(text, (keys = toKeys(text)));
  return keys.full.includes(q) || keys.initials.includes(q);
}

/** The text of an option's label, for matching. */
function textOf(option: { label?: ReactNode; value?: unknown } | undefined): string {
  const label = option?.label;
  if (typeof label === 'string' || typeof label === 'number') return String(label);
  return '';
}

/**
 * The search of a Select (`showSearch={search}`): by name, pinyin or initials. Loads the pinyin
 * dictionary on first use and hands out a new filter once it has arrived, so an open list filters
 * again at once.
 */
export function useSearch() {
  const [ready, setReady] = useState(toKeys !== null);
  useEffect(() => {
    if (toKeys) return;
    let live = true;
    const done = () => live && setReady(true);
    waiting.add(done);
    void loadPinyin();
    return () => {
      live = false;
      waiting.delete(done);
    };
  }, []);
  // A new filter once pinyin is ready (`ready` is a dependency): the Select runs it again.
  return useMemo(() => ({ filterOption: (typed: string, option?: { label?: ReactNode; value?: unknown }) => matches(typed, textOf(option)) }), [ready]);
}
