import { locale, setLocale, t } from '../i18n';
import { h } from './dom';

/** The site header shared by every page, with the language toggle (remembered; the page reloads in the other language). */
export function siteHeader(current: 'directory' | 'watch' | 'studio'): HTMLElement {
  const link = (href: string, text: string, page: string) =>
    h('a', { href, text, 'aria-current': current === page ? 'page' : null });
  const toggle = h('button', { id: 'lang-toggle', type: 'button', class: 'lang-toggle', text: t('lang.other'), 'aria-label': t('lang.switch'),
    lang: locale() === 'zh-CN' ? 'en' : 'zh-CN' });
  toggle.addEventListener('click', () => {
    setLocale(locale() === 'zh-CN' ? 'en' : 'zh-CN');
    location.reload();
  });
  return h('header', { class: 'site-header' },
    h('a', { href: '/', class: 'brand', 'aria-label': t('header.home') }, h('span', { class: 'brand-dot', 'aria-hidden': 'true' }), 'livestream'),
    h('nav', { 'aria-label': t('header.nav') }, link('/', t('header.liveNow'), 'directory'), link('/studio', t('header.goLive'), 'studio')),
    toggle);
}
