import '../styles.css';
import { byId, h } from '../ui/dom';
import { formatCount, formatResolution, formatUptime } from '../ui/format';
import { siteHeader } from '../ui/header';

interface StreamInfo {
  name: string;
  video?: { codec?: string; profile?: string; width?: number; height?: number; fps?: number } | null;
  audio?: { codec?: string; sampleRate?: number; channels?: number } | null;
  bitrateKbps?: number;
  viewers?: number;
  startedAt?: number | string;
  uptimeSeconds?: number;
  private?: boolean;
}

const REFRESH_MS = 5000;

function card(stream: StreamInfo): HTMLElement {
  const resolution = formatResolution(stream.video);
  return h('li', { class: 'stream-card' },
    h('a', { href: `/watch/${encodeURIComponent(stream.name)}`, class: 'stream-link', 'aria-label': `Watch ${stream.name}` },
      h('div', { class: 'thumb', 'aria-hidden': 'true' }, h('span', { class: 'live-badge', text: 'LIVE' }), stream.private ? h('span', { class: 'private-badge', text: 'private' }) : null, resolution ? h('span', { class: 'res', text: resolution }) : null),
      h('div', { class: 'stream-meta' },
        h('h2', { class: 'stream-name', text: stream.name }),
        h('p', { class: 'stream-facts' },
          h('span', { class: 'viewers', text: `${formatCount(stream.viewers ?? 0)} watching` }),
          h('span', { class: 'uptime', text: `live for ${formatUptime(stream.uptimeSeconds ?? 0)}` }),
          stream.bitrateKbps ? h('span', { text: `${Math.round(stream.bitrateKbps)} kb/s` }) : null))));
}

function emptyState(): HTMLElement {
  const server = `rtmp://${location.hostname}:1935/live`;
  return h('div', { class: 'empty-state' },
    h('h2', { text: 'Nobody is live right now' }),
    h('p', {}, 'Be the first: open the ', h('a', { href: '/studio', text: 'studio' }), ' to get your stream key, then publish from OBS or ffmpeg.'),
    h('dl', { class: 'settings' },
      h('dt', { text: 'OBS server' }), h('dd', {}, h('code', { text: server })),
      h('dt', { text: 'Stream key' }), h('dd', {}, h('code', { text: '<stream>?token=<publish JWT>' }))),
    h('pre', { class: 'command' }, h('code', { text: `ffmpeg -re -i input.mp4 -c:v libx264 -preset veryfast -tune zerolatency -g 60 -c:a aac \\\n  -f flv "${server}/<stream>?token=<publish JWT>"` })));
}

async function refresh(list: HTMLElement, status: HTMLElement): Promise<void> {
  try {
    const response = await fetch('/api/streams', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as { streams?: StreamInfo[] };
    const streams = (body.streams ?? []).slice().sort((a, b) => (b.viewers ?? 0) - (a.viewers ?? 0) || a.name.localeCompare(b.name));
    list.replaceChildren(...(streams.length ? [h('ul', { class: 'stream-grid', id: 'stream-grid' }, ...streams.map(card))] : [emptyState()]));
    status.textContent = '';
  } catch (error) {
    status.textContent = `Could not load the streams (${(error as Error).message}); retrying…`;
  }
}

function main(): void {
  const app = byId('app');
  const status = h('p', { class: 'form-error', role: 'status' });
  const list = h('div', { id: 'streams', 'aria-live': 'polite' }, h('p', { class: 'muted', text: 'Loading…' }));
  app.replaceChildren(siteHeader('directory'), h('main', { class: 'page' }, h('h1', { text: 'Live now' }), status, list));
  void refresh(list, status);
  setInterval(() => { if (!document.hidden) void refresh(list, status); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) void refresh(list, status); });
}

main();
