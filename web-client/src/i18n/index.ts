/**
 * The pages' two languages. Catalogs are flat maps (`en.ts`, `zh-CN.ts`, the same keys); the
 * language comes from a stored choice, else from navigator.languages (zh* → zh-CN, else en).
 * Switching stores the choice and reloads the page, so every string is rendered once.
 */
import en from './en';
import zhCN from './zh-CN';

export type Locale = 'zh-CN' | 'en';
export type MessageKey = keyof typeof en;

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
export const LOCALE_KEY = 'livestream.locale';

const CATALOGS: Record<Locale, Readonly<Record<string, string>>> = { en, 'zh-CN': zhCN };

function storage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.localStorage : null;
  } catch {
    return null; // storage disabled (private mode, sandboxed frame)
  }
}

/** The page language for the browser's preferred languages: the first one decides. */
export function pickLocale(languages: readonly string[]): Locale {
  const first = (languages[0] ?? '').toLowerCase();
  return first === 'zh' || first.startsWith('zh-') ? 'zh-CN' : 'en';
}

function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en';
}

function initialLocale(): Locale {
  const stored = storage()?.getItem(LOCALE_KEY);
  if (isLocale(stored)) return stored;
  if (typeof navigator === 'undefined') return 'en';
  return pickLocale(navigator.languages?.length ? navigator.languages : [navigator.language ?? '']);
}

let current: Locale = initialLocale();
applyDocumentLang();

function applyDocumentLang(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

export function locale(): Locale {
  return current;
}

/** Sets and remembers the language (the caller re-renders, or reloads the page). */
export function setLocale(l: Locale): void {
  current = l;
  storage()?.setItem(LOCALE_KEY, l);
  applyDocumentLang();
}

/** True when the catalogs have `key` (for texts that may come from the server, like gift names). */
export function has(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(CATALOGS[current], key);
}

/** The text for `key` in the page language, `{name}` filled from `params`; a missing key is logged and shown as itself. */
export function t(key: string, params?: Record<string, string | number>): string {
  const text = CATALOGS[current][key] ?? CATALOGS.en[key];
  if (text === undefined) {
    console.error(`i18n: no catalog entry for "${key}"`);
    return key;
  }
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Viewer and like counts: 12345 → "1.2万" in Chinese, "12.3k" in English; small ones with separators. */
export function formatCount(n: number, l: Locale = current): string {
  if (l === 'zh-CN') {
    if (n >= 100_000_000) return `${trimZero((n / 100_000_000).toFixed(1))}亿`;
    if (n >= 10_000) return `${trimZero((n / 10_000).toFixed(1))}万`;
    return n.toLocaleString('zh-CN');
  }
  if (n >= 10_000) return `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k`;
  return n.toLocaleString('en-US');
}

function trimZero(fixed: string): string {
  return fixed.endsWith('.0') ? fixed.slice(0, -2) : fixed;
}

/** A clock time (epoch ms) as the locale writes it: "14:05" / "2:05 PM". */
export function formatTime(epochMs: number, l: Locale = current): string {
  return new Date(epochMs).toLocaleTimeString(l, { hour: '2-digit', minute: '2-digit' });
}
