// Plain hls.js (its light build, as the watch page loads it) in a page of the server's origin,
// in low-latency mode: what both the LL-HLS browser test and the latency benchmark play with.
import { join } from 'node:path';

const HLS_JS = join(import.meta.dirname, '..', 'node_modules', 'hls.js', 'dist', 'hls.light.min.js');

/** Opens `${base}/`, adds a muted video playing `/live/<stream>.m3u8` through hls.js; stalls and errors are counted in `window.__bare`. */
export async function playWithHlsJs(page, base, stream) {
  await page.goto(`${base}/`, { waitUntil: 'domcontentloaded' }); // a page of the same origin to run it in
  await page.addScriptTag({ path: HLS_JS });
  await page.evaluate((url) => {
    const video = document.createElement('video');
    video.muted = true;
    document.body.append(video);
    const player = new window.Hls({ lowLatencyMode: true, maxLiveSyncPlaybackRate: 1.5 });
    const bare = { video, player, stalls: 0, errors: [], stallLog: [] };
    const t0 = performance.now();
    const ranges = () => Array.from({ length: video.buffered.length }, (_, i) => `${video.buffered.start(i).toFixed(2)}-${video.buffered.end(i).toFixed(2)}`).join(' ');
    video.addEventListener('playing', () => bare.stallLog.push(`playing at ${Math.round(performance.now() - t0)} ms, currentTime ${video.currentTime.toFixed(2)}, buffered ${ranges()}`), { once: true });
    player.on(window.Hls.Events.ERROR, (_event, data) => {
      if (data.details === 'bufferStalledError') {
        bare.stalls++;
        bare.stallLog.push(`stall at ${Math.round(performance.now() - t0)} ms, currentTime ${video.currentTime.toFixed(2)}, buffered ${ranges()}, paused ${video.paused}`);
      }
      else bare.errors.push(`${data.fatal ? 'fatal ' : ''}${data.details}`);
    });
    player.loadSource(url);
    player.attachMedia(video);
    void video.play().catch(() => undefined);
    window.__bare = bare;
  }, `/live/${encodeURIComponent(stream)}.m3u8`);
}

/** The options every script launches Debian's Chromium with. */
export const CHROMIUM_OPTIONS = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
};
