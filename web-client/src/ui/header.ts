import { h } from './dom';

/** The site header shared by every page. */
export function siteHeader(current: 'directory' | 'watch' | 'studio'): HTMLElement {
  const link = (href: string, text: string, page: string) =>
    h('a', { href, text, 'aria-current': current === page ? 'page' : null });
  return h('header', { class: 'site-header' },
    h('a', { href: '/', class: 'brand', 'aria-label': 'livestream home' }, h('span', { class: 'brand-dot', 'aria-hidden': 'true' }), 'livestream'),
    h('nav', { 'aria-label': 'Main' }, link('/', 'Live now', 'directory'), link('/studio', 'Go live', 'studio')));
}
