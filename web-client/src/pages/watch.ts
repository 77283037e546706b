import '../styles.css';
import { t } from '../i18n';
import { byId, h } from '../ui/dom';
import { siteHeader } from '../ui/header';
import { bindViewport } from '../ui/viewport';
import { WatchView } from '../ui/watch-view';
import { browserTypeCheck, type StreamMedia, undecodableVideo } from '../player/codec-support';
import { streamFromPath } from '../util/urls';

interface ListedStream extends StreamMedia {
  name: string;
  private?: boolean;
}

/** The stream as `/api/streams` lists it; undefined when it is not live or the API cannot be asked. */
async function listed(stream: string): Promise<ListedStream | undefined> {
  try {
    const response = await fetch('/api/streams', { cache: 'no-store' });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { streams?: ListedStream[] };
    return body.streams?.find((s) => s.name === stream);
  } catch {
    return undefined; // the checks are a courtesy; the player tries either way
  }
}

/** How often, and how far apart, a stream listed without its video codec yet is asked again (the encoder's first packets are on their way). */
const CODEC_ASKS = 3;
const CODEC_ASK_EVERY_MS = 1000;

/**
 * Why this browser cannot decode the stream's video (HEVC in most desktop browsers), else
 * undefined: also when the stream is not live or names no codec within a few seconds (an
 * audio-only stream), for the player tries either way.
 */
async function cannotDecode(stream: string, info?: ListedStream): Promise<string | undefined> {
  let current = info ?? await listed(stream);
  for (let ask = 1; current && !current.video?.codecString && ask < CODEC_ASKS; ask++) {
    await new Promise((resolve) => setTimeout(resolve, CODEC_ASK_EVERY_MS));
    current = await listed(stream);
  }
  const codec = undecodableVideo(current, browserTypeCheck());
  return codec ? t('watch.cannotDecode', { codec }) : undefined;
}

/**
 * Before playing: a private stream never plays without a token, and a codec this browser cannot
 * decode never plays at all; both are said plainly instead of an endless "offline". The player
 * starts unless the codec rules it out, and the codec is asked again whenever the stream comes
 * online (the page may have been opened before, or the streamer switched codecs).
 */
async function startWatching(view: WatchView, stream: string, note: HTMLElement, playToken: string | undefined): Promise<void> {
  const info = await listed(stream);
  if (info?.private && !playToken) {
    note.textContent = t('watch.privateNote', { stream });
    note.hidden = false;
  }
  view.start(await cannotDecode(stream, info));
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
  const checkCodec = () => cannotDecode(stream);
  const view = new WatchView(playToken ? { stream, playToken, token: playToken, checkCodec } : { stream, checkCodec });
  const note = h('p', { id: 'private-note', class: 'form-error', role: 'status', hidden: true });
  app.replaceChildren(siteHeader('watch'), h('main', { class: 'page page-watch' }, h('h1', { class: 'stream-title', text: stream }), note, view.root));
  void startWatching(view, stream, note, playToken);
}

main();
