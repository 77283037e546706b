import '../styles.css';
import { apiError } from '../room/session';
import { byId, copyText, h } from '../ui/dom';
import { siteHeader } from '../ui/header';
import { explainStudioError, ffmpegCommand } from '../ui/studio-help';
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
  const button = h('button', { type: 'button', class: 'copy', 'aria-label': `Copy ${label}`, text: 'Copy' });
  button.addEventListener('click', async () => {
    button.textContent = (await copyText(value)) ? 'Copied' : 'Select & copy';
    setTimeout(() => { button.textContent = 'Copy'; }, 1500);
  });
  return h('div', { class: 'copy-row' }, h('span', { class: 'copy-label', text: label }), h('code', { id, class: 'copy-value', text: value }), button);
}

function main(): void {
  const app = byId('app');
  const store = storage();
  const name = h('input', { id: 'stream-name', name: 'stream', type: 'text', required: true, maxlength: 64, pattern: '[A-Za-z0-9_\\-]{1,64}', autocomplete: 'off', placeholder: 'mystream' });
  const token = h('input', { id: 'studio-token', name: 'token', type: 'password', autocomplete: 'off', placeholder: 'only needed on a deployment' });
  token.value = store?.getItem(ADMIN_TOKEN_KEY) ?? '';
  const submit = h('button', { id: 'studio-submit', type: 'submit', text: 'Get my stream key' });
  const error = h('p', { id: 'studio-error', class: 'form-error', role: 'alert' });
  const form = h('form', { id: 'studio-form', class: 'card form' },
    h('label', { for: 'stream-name', text: 'Stream name' }), name,
    h('p', { class: 'hint', text: '1-64 letters, digits, - or _.' }),
    h('label', { for: 'studio-token', text: 'Streamer/admin token (optional)' }), token, submit, error);
  const result = h('section', { id: 'studio-result', class: 'studio-result', 'aria-live': 'polite' });
  app.replaceChildren(siteHeader('studio'), h('main', { class: 'page' }, h('h1', { text: 'Go live' }), form, result));

  let view: WatchView | null = null;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.textContent = '';
    const stream = name.value.trim();
    if (!STREAM_NAME.test(stream)) {
      error.textContent = 'A stream name is 1-64 letters, digits, - or _.';
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
      const hours = Math.round(grant.expiresIn / 3600);
      result.replaceChildren(
        h('div', { class: 'card' },
          h('h2', { text: 'OBS' }),
          h('p', { class: 'hint', text: 'Settings › Stream › Service: Custom. A keyframe interval of 1-2 s gives viewers a fast start.' }),
          copyRow('Server', grant.rtmpServer, 'obs-server'),
          copyRow('Stream Key', grant.streamKey, 'obs-key'),
          h('h2', { text: 'ffmpeg' }),
          copyRow('Command', ffmpegCommand(grant.rtmpUrl), 'ffmpeg-command'),
          h('p', { class: 'hint' }, `The key is valid for ${hours > 0 ? `${hours} h` : `${grant.expiresIn} s`}. Viewers watch at `,
            h('a', { href: new URL(grant.watchUrl, location.href).pathname, text: grant.watchUrl }), '.')),
        h('h2', { text: 'Preview and moderation' }),
        view.root);
      view.start();
    } catch (e) {
      error.textContent = `Could not reach the server: ${(e as Error).message}`;
    } finally {
      submit.disabled = false;
    }
  });
}

main();
