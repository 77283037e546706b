import '../styles.css';
import { t } from '../i18n';
import { apiError } from '../room/session';
import { byId, copyText, h } from '../ui/dom';
import { siteHeader } from '../ui/header';
import { explainStudioError, ffmpegCommand } from '../ui/studio-help';
import { StreamHealthPanel } from '../ui/stream-health';
import { WatchView } from '../ui/watch-view';
import { STREAM_NAME } from '../util/urls';

const ADMIN_TOKEN_KEY = 'livestream.studioToken';

export interface PublishGrant {
  stream: string;
  publishToken: string;
  streamerToken: string;
  rtmpServer: string;
  streamKey: string;
  rtmpUrl: string;
  watchUrl: string;
  playUrl: string;
  expiresIn: number;
}

function storage(): Storage | null {
  try { return window.localStorage; } catch { return null; }
}

function copyRow(label: string, value: string, id: string): HTMLElement {
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': t('studio.copyLabel', { label }), text: t('studio.copy') });
  button.addEventListener('click', async () => {
    button.textContent = (await copyText(value)) ? t('studio.copied') : t('studio.selectCopy');
    setTimeout(() => { button.textContent = t('studio.copy'); }, 1500);
  });
  return h('div', { class: 'copy-row' }, h('span', { class: 'copy-label', text: label }), h('code', { id, class: 'copy-value', text: value }), button);
}

function main(): void {
  const app = byId('app');
  document.title = t('studio.docTitle');
  const store = storage();
  const name = h('input', { id: 'stream-name', name: 'stream', type: 'text', required: true, maxlength: 64, pattern: '[A-Za-z0-9_\\-]{1,64}', autocomplete: 'off', placeholder: t('studio.namePlaceholder') });
  const token = h('input', { id: 'studio-token', name: 'token', type: 'password', autocomplete: 'off', placeholder: t('studio.tokenPlaceholder') });
  token.value = store?.getItem(ADMIN_TOKEN_KEY) ?? '';
  const submit = h('button', { id: 'studio-submit', type: 'submit', text: t('studio.submit') });
  const error = h('p', { id: 'studio-error', class: 'form-error', role: 'alert' });
  const form = h('form', { id: 'studio-form', class: 'card form' },
    h('label', { for: 'stream-name', text: t('studio.streamName') }), name,
    h('p', { class: 'hint', text: t('studio.nameHint') }),
    h('label', { for: 'studio-token', text: t('studio.tokenLabel') }), token, submit, error);
  const result = h('section', { id: 'studio-result', class: 'studio-result', 'aria-live': 'polite' });
  app.replaceChildren(siteHeader('studio'), h('main', { class: 'page' }, h('h1', { text: t('studio.title') }), form, result));

  let view: WatchView | null = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const stream = name.value.trim();
    if (!STREAM_NAME.test(stream)) {
      error.textContent = t('studio.nameInvalid');
      return;
    }
    const adminToken = token.value.trim();
    if (adminToken) store?.setItem(ADMIN_TOKEN_KEY, adminToken); else store?.removeItem(ADMIN_TOKEN_KEY);
    submit.disabled = true;
    try {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (adminToken) headers.Authorization = `Bearer ${adminToken}`;
      const response = await fetch('/api/studio/publish', { method: 'POST', headers, body: JSON.stringify({ stream }) });
      if (!response.ok) {
        const e = await apiError(response);
        error.textContent = explainStudioError(e.status, e.code, e.message);
        return;
      }
      const grant = (await response.json()) as PublishGrant;
      if (view) return location.reload(); // one preview per page: start over for another stream
      view = new WatchView({ stream: grant.stream, muted: true, token: grant.streamerToken, playToken: grant.streamerToken, moderation: true });
      const health = new StreamHealthPanel(grant.stream);
      const hours = Math.round(grant.expiresIn / 3600);
      result.replaceChildren(
        h('div', { class: 'card' },
          h('h2', { text: t('studio.obs') }),
          h('p', { class: 'hint', text: t('studio.obsHint') }),
          copyRow(t('studio.server'), grant.rtmpServer, 'obs-server'),
          copyRow(t('studio.streamKey'), grant.streamKey, 'obs-key'),
          h('h2', { text: t('studio.ffmpeg') }),
          copyRow(t('studio.command'), ffmpegCommand(grant.rtmpUrl), 'ffmpeg-command'),
          h('p', { class: 'hint' }, t('studio.keyValid', { duration: hours > 0 ? t('studio.hours', { n: hours }) : t('studio.seconds', { n: grant.expiresIn }) }),
            h('a', { href: new URL(grant.watchUrl, location.href).pathname, text: grant.watchUrl }), t('studio.keyValidEnd'))),
        health.root,
        h('h2', { text: t('studio.preview') }),
        view.root);
      view.start();
      health.start();
    } catch (e) {
      error.textContent = t('studio.unreachable', { error: (e as Error).message });
    } finally {
      submit.disabled = false;
    }
  });
}

main();
