import '../styles.css';
import { byId, h } from '../ui/dom';
import { formatCount, t } from '../i18n';
import { formatResolution, formatUptime } from '../ui/format';
import { siteHeader } from '../ui/header';
import { ffmpegExample } from '../ui/studio-help';

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
    h('a', { href: `/watch/${encodeURIComponent(stream.name)}`, class: 'stream-link', 'aria-label': t('directory.watchLabel', { stream: stream.name }) },
      h('div', { class: 'thumb', 'aria-hidden': 'true' }, h('span', { class: 'live-badge', text: t('badge.live') }), stream.private ? h('span', { class: 'private-badge', text: t('badge.private') }) : null, resolution ? h('span', { class: 'res', text: resolution }) : null),
      h('div', { class: 'stream-meta' },
        h('h2', { class: 'stream-name', text: stream.name }),
        h('p', { class: 'stream-facts' },
          h('span', { class: 'viewers', text: t('directory.watching', { count: formatCount(stream.viewers ?? 0) }) }),
          h('span', { class: 'uptime', text: t('directory.liveFor', { uptime: formatUptime(stream.uptimeSeconds ?? 0) }) }),
          stream.bitrateKbps ? h('span', { text: t('directory.bitrate', { kbps: Math.round(stream.bitrateKbps) }) }) : null))));
}

function emptyState(): HTMLElement {
  const server = `rtmp://${location.hostname}:1935/live`;
  return h('div', { class: 'empty-state' },
    h('h2', { text: t('directory.emptyTitle') }),
    h('p', {}, t('directory.emptyBefore'), h('a', { href: '/studio', text: t('directory.emptyStudio') }), t('directory.emptyAfter')),
    h('dl', { class: 'settings' },
      h('dt', { text: t('directory.obsServer') }), h('dd', {}, h('code', { text: server })),
      h('dt', { text: t('directory.streamKey') }), h('dd', {}, h('code', { text: t('directory.keyExample') }))),
    h('pre', { class: 'command' }, h('code', { text: ffmpegExample(`${server}/${t('directory.keyExample')}`) })));
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
    status.textContent = t('directory.loadError', { error: (error as Error).message });
  }
}

function main(): void {
  const app = byId('app');
  document.title = t('directory.docTitle');
  const status = h('p', { class: 'form-error', role: 'status' });
  const list = h('div', { id: 'streams', 'aria-live': 'polite' }, h('p', { class: 'muted', text: t('directory.loading') }));
  app.replaceChildren(siteHeader('directory'), h('main', { class: 'page' }, h('h1', { text: t('directory.title') }), status, list));
  void refresh(list, status);
  setInterval(() => { if (!document.hidden) void refresh(list, status); }, REFRESH_MS);
  document.addEventListener('visibilitychange', () => { if (!document.hidden) void refresh(list, status); });
}

main();
