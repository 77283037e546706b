import '../styles.css';
import { t } from '../i18n';
import { byId, h } from '../ui/dom';
import { siteHeader } from '../ui/header';
import { bindViewport } from '../ui/viewport';
import { WatchView } from '../ui/watch-view';
import { streamFromPath } from '../util/urls';

/** A private stream never plays without a token: say so instead of only "offline". */
async function explainIfPrivate(stream: string, note: HTMLElement): Promise<void> {
  try {
    const response = await fetch('/api/streams', { cache: 'no-store' });
    if (!response.ok) return;
    const body = (await response.json()) as { streams?: { name: string; private?: boolean }[] };
    if (body.streams?.some((s) => s.name === stream && s.private)) {
      note.textContent = t('watch.privateNote', { stream });
      note.hidden = false;
    }
  } catch {
    // the note is a courtesy; the player keeps trying either way
  }
}

function main(): void {
  const app = byId('app');
  document.body.classList.add('watch-page');
  bindViewport();
  // /watch/<stream>; ?stream= too, for a dev server without the gateway's rewrite
  const stream = streamFromPath(location.pathname) ?? new URLSearchParams(location.search).get('stream');
  if (!stream) {
    app.replaceChildren(siteHeader('watch'), h('main', { class: 'page' }, h('h1', { text: t('watch.noStream') }), h('p', {}, h('a', { href: '/', text: t('watch.seeWhoIsLive') }))));
    return;
  }
  document.title = t('watch.docTitle', { stream });
  // a private stream's link carries a play token (?token=): it opens the media and the room
  const playToken = new URLSearchParams(location.search).get('token') ?? undefined;
  const view = new WatchView(playToken ? { stream, playToken, token: playToken } : { stream });
  const note = h('p', { id: 'private-note', class: 'form-error', role: 'status', hidden: true });
  app.replaceChildren(siteHeader('watch'), h('main', { class: 'page page-watch' }, h('h1', { class: 'stream-title', text: stream }), note, view.root));
  view.start();
  if (!playToken) void explainIfPrivate(stream, note);
}

main();
