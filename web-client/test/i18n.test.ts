import { afterEach, describe, expect, it, vi } from 'vitest';
import en from '../src/i18n/en';
import zhCN from '../src/i18n/zh-CN';
import { formatCount, locale, pickLocale, setLocale, t } from '../src/i18n';

/** Every source file but the catalogs, path → text. */
const SOURCES = import.meta.glob<string>(['../src/**/*.ts', '!../src/i18n/**'], { query: '?raw', import: 'default', eager: true });

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('catalogs', () => {
  it('have the same keys in English and Chinese', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it('fill the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(en)) {
      expect(placeholders((zhCN as Record<string, string>)[key] ?? ''), key).toEqual(placeholders(text));
    }
  });

  it('have an entry for every key the source names', () => {
    // every quoted string shaped like a key of a catalog namespace ('chat.send', 'colour.red',
    // the notice keys, t('…') arguments) must exist; built keys (`gift.${id}`) are guarded by has()
    expect(Object.keys(SOURCES).length).toBeGreaterThan(20);
    const namespaces = new Set(Object.keys(en).map((key) => key.split('.')[0]));
    const missing: string[] = [];
    for (const [file, text] of Object.entries(SOURCES)) {
      for (const match of text.matchAll(/['"`]([a-zA-Z]+)\.([\w.-]+)['"`]/g)) {
        const key = `${match[1]}.${match[2]}`;
        if (namespaces.has(match[1]) && !(key in en)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('leave no user-visible text in the pages outside them', () => {
    // literals with letters given as text, a title, a placeholder or an aria-label, or assigned to textContent
    // (what ${…} fills in does not count: a nickname, a stream name)
    const patterns = [
      /(?:\btext|\btitle|\bplaceholder|'aria-label')\s*:\s*(['"`])((?:(?!\1).)*)\1/g,
      /\.(?:textContent|innerText|title|placeholder)\s*=\s*(['"`])((?:(?!\1).)*)\1/g,
      /setAttribute\('(?:aria-label|title|placeholder)',\s*(['"`])((?:(?!\1).)*)\1/g,
      /(?:addNotice|showError\([^,]*,)\s*(['"`])((?:(?!\1).)*)\1/g,
    ];
    const found: string[] = [];
    for (const [file, text] of Object.entries(SOURCES).filter(([f]) => /\/(pages|ui)\//.test(f))) {
      for (const pattern of patterns) {
        for (const match of text.matchAll(pattern)) {
          if (/[A-Za-z\u4e00-\u9fff]/.test(match[2].replace(/\$\{[^}]*\}/g, ''))) found.push(`${file}: ${match[0]}`);
        }
      }
    }
    expect(found).toEqual([]);
  });
});

describe('t', () => {
  afterEach(() => { setLocale('en'); vi.restoreAllMocks(); });

  it('fills placeholders in the page language', () => {
    expect(t('directory.watching', { count: '1.2k' })).toBe('1.2k watching');
    setLocale('zh-CN');
    expect(locale()).toBe('zh-CN');
    expect(t('directory.watching', { count: '1.2万' })).toBe('1.2万 人在看');
  });

  it('logs a missing key and shows the key itself', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(t('nope.missing')).toBe('nope.missing');
    expect(error).toHaveBeenCalledOnce();
  });
});

describe('locale', () => {
  it('is Chinese for any zh first language, else English', () => {
    expect(pickLocale(['zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLocale(['zh-TW'])).toBe('zh-CN');
    expect(pickLocale(['zh'])).toBe('zh-CN');
    expect(pickLocale(['en-US', 'zh-CN'])).toBe('en');
    expect(pickLocale(['de'])).toBe('en');
    expect(pickLocale([])).toBe('en');
  });
});

describe('formatCount', () => {
  it('counts in 万 and 亿 in Chinese', () => {
    expect(formatCount(12_345, 'zh-CN')).toBe('1.2万');
    expect(formatCount(10_000, 'zh-CN')).toBe('1万');
    expect(formatCount(9_999, 'zh-CN')).toBe('9,999');
    expect(formatCount(250_000_000, 'zh-CN')).toBe('2.5亿');
  });

  it('counts in thousands in English', () => {
    expect(formatCount(1_234, 'en')).toBe('1,234');
    expect(formatCount(15_300, 'en')).toBe('15.3k');
    expect(formatCount(123_456, 'en')).toBe('123k');
  });
});
