import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatCount, locale, t } from '../i18n';
import { h } from './dom';
import { CHARTS, type ChartName, healthState, keyframeWarnings, latest, mediaSummary, type StreamHealth, toSeries } from './health-model';
import type { StreamMedia } from '../player/codec-support';

const POLL_MS = 1500;
/** `/api/streams` (what the encoder sends) is asked every this many polls: it changes only when the encoder does. */
const MEDIA_EVERY = 4;
const CHART_HEIGHT = 140;
const COLOURS: Record<ChartName, string> = { bitrate: '#5cc8ff', fps: '#6cff8a', viewers: '#ffc46b', messages: '#ff4f6d' };

interface Chart {
  box: HTMLElement;
  value: HTMLElement;
  plot: uPlot;
}

function figure(name: ChartName, v: number | null): string {
  if (v === null) return '–';
  switch (name) {
    case 'bitrate': return t('health.kbps', { n: formatCount(Math.round(v)) });
    case 'fps': return t('health.fpsValue', { n: v.toFixed(1) });
    case 'viewers': return formatCount(v);
    case 'messages': return t('health.perSecond', { n: v.toFixed(1) });
  }
}

/**
 * The studio's health panel: polls `/api/streams/<stream>/health` every 1.5 s and shows the
 * encoder's state, the keyframe interval with its warnings, and uPlot charts of bitrate, frame
 * rate, viewers and the room's message rate over the last minutes.
 */
export class StreamHealthPanel {
  readonly root: HTMLElement;
  private readonly status = h('p', { id: 'health-status', class: 'health-status', role: 'status', 'data-state': 'waiting' });
  private readonly keyframe = h('p', { id: 'health-keyframe', class: 'health-keyframe' });
  private readonly warning = h('p', { id: 'health-keyframe-warning', class: 'health-warning', role: 'alert', hidden: true });
  private readonly media = h('p', { id: 'health-media', class: 'health-media', hidden: true });
  private polls = 0;
  private readonly charts = new Map<ChartName, Chart>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly stream: string) {
    const grid = h('div', { class: 'health-charts' });
    this.root = h('section', { id: 'stream-health', class: 'card stream-health', 'aria-labelledby': 'health-title' },
      h('h2', { id: 'health-title', text: t('health.title') }), this.status, this.media, this.keyframe, this.warning, grid);
    for (const name of CHARTS) {
      const value = h('span', { class: 'health-value', text: '–' });
      const target = h('div', { class: 'health-plot' });
      const box = h('div', { id: `chart-${name}`, class: 'health-chart', 'data-points': 0 },
        h('div', { class: 'health-chart-head' }, h('span', { text: t(`health.chart.${name}`) }), value), target);
      grid.append(box);
      this.charts.set(name, { box, value, plot: this.plot(name, target) });
    }
    this.render(null);
    window.addEventListener('resize', () => this.fit());
  }

  start(): void {
    this.fit();
    void this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private plot(name: ChartName, target: HTMLElement): uPlot {
    const lang = locale();
    const opts: uPlot.Options = {
      width: 300,
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true }, y: { range: (_u, min, max) => [0, Math.max(max * 1.15, min + 1, 1)] } },
      axes: [
        {
          stroke: '#9aa0ad', grid: { stroke: '#2c303b' }, ticks: { stroke: '#2c303b' },
          values: (_u, splits) => splits.map((s) => new Date(s * 1000).toLocaleTimeString(lang, { hour: '2-digit', minute: '2-digit', second: '2-digit' })),
        },
        { stroke: '#9aa0ad', grid: { stroke: '#2c303b' }, ticks: { stroke: '#2c303b' }, size: 48,
          values: (_u, splits) => splits.map((s) => formatCount(s)) },
      ],
      series: [{}, { stroke: COLOURS[name], width: 2, fill: `${COLOURS[name]}22`, spanGaps: false }],
    };
    return new uPlot(opts, [[], []], target);
  }

  private fit(): void {
    for (const chart of this.charts.values()) {
      const width = Math.max(200, chart.box.clientWidth - 2);
      chart.plot.setSize({ width, height: CHART_HEIGHT });
    }
  }

  private async poll(): Promise<void> {
    if (this.stopped) return;
    try {
      const response = await fetch(`/api/streams/${encodeURIComponent(this.stream)}/health`, { cache: 'no-store' });
      this.render(response.ok ? ((await response.json()) as StreamHealth) : null);
      if (this.polls++ % MEDIA_EVERY === 0) await this.describeMedia();
    } catch {
      this.render(null);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }

  /** The codecs and picture size the encoder sends, from `/api/streams`; hidden while the stream is not listed. */
  private async describeMedia(): Promise<void> {
    const response = await fetch('/api/streams', { cache: 'no-store' });
    if (!response.ok) return;
    const body = (await response.json()) as { streams?: (StreamMedia & { name: string })[] };
    const summary = mediaSummary(body.streams?.find((s) => s.name === this.stream));
    const parts: string[] = [];
    if (summary.video) {
      parts.push(summary.size
        ? t('health.videoSized', { codec: summary.video, width: summary.size.width, height: summary.size.height })
        : t('health.video', { codec: summary.video }));
    }
    if (summary.audio) parts.push(t('health.audio', { codec: summary.audio }));
    this.media.hidden = parts.length === 0;
    this.media.textContent = parts.join(t('health.separator'));
  }

  private render(health: StreamHealth | null): void {
    const state = healthState(health);
    this.status.dataset.state = state;
    this.status.textContent = state === 'stopped' && health?.lastMediaAt
      ? t('health.stoppedSince', { time: new Date(health.lastMediaAt).toLocaleTimeString(locale()) })
      : t(`health.state.${state}`);
    const interval = health?.keyframeInterval;
    this.keyframe.textContent = t('health.keyframe', { value: interval === null || interval === undefined ? '–' : t('health.seconds', { n: interval.toFixed(1) }) });
    const warnings = keyframeWarnings(health);
    this.warning.hidden = warnings.length === 0;
    this.warning.textContent = warnings.map((key) => t(key)).join(' ');
    this.keyframe.classList.toggle('warn', warnings.length > 0);
    if (!health) return;
    const series = toSeries(health.samples);
    for (const [name, chart] of this.charts) {
      chart.plot.setData([series.x, series.y[name]]);
      chart.box.dataset.points = String(series.y[name].filter((v) => v !== null).length);
      chart.value.textContent = figure(name, latest(series.y[name]));
    }
  }
}
