#!/usr/bin/env node
// The watch page over LL-HLS in headless Chromium: `?player=hls` plays through hls.js (standing in
// for Safari's native HLS, which this machine cannot run) with a measured delay, a danmaku sent from
// a WebSocket-FLV page flies over it, and both pages agree on the stream time; then plain hls.js
// plays the playlist in a bare page. Prints `RESULT {json}` per step, then `DONE`, or `FAIL <reason>`.
// Usage: node e2e/hls.e2e.mjs --base http://127.0.0.1:PORT --stream NAME
import { chromium } from 'playwright-core';
import { base, result, say, stream } from './cli.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_OPTIONS, playWithHlsJs } from './hls-page.mjs';
const userDataDir = mkdtempSync(join(tmpdir(), 'livestream-hls-e2e-'));
let context = null;
const errors = [];
function watchConsole(page, label) {
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`${label}: ${msg.text()} (${msg.location()?.url ?? ''})`); });
  page.on('pageerror', (error) => errors.push(`${label}: pageerror ${error.message}`));
}
async function waitFor(page, fn, arg, timeoutMs, what) {
  try {
    return await (await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 250 })).jsonValue();
  } catch (error) {
    const state = await page.evaluate(() => JSON.stringify(window.__watch ?? null)).catch(() => '?');
    throw new Error(`${what}: ${error.message.split('\n')[0]} (page state ${state})`);
  }
}

const hardStop = setTimeout(() => { say('FAIL hard timeout after 150 s'); process.exit(1); }, 150_000);
try {
  context = await chromium.launchPersistentContext(userDataDir, CHROMIUM_OPTIONS);
  const watchUrl = `${base}/watch/${encodeURIComponent(stream)}`;

  // 1. ?player=hls plays through hls.js, with the delay from the playlist's program date-time
  const hls = context.pages()[0] ?? await context.newPage();
  watchConsole(hls, 'hls');
  await hls.goto(`${watchUrl}?player=hls`, { waitUntil: 'domcontentloaded' });
  const played = await waitFor(hls, () => {
    const v = document.querySelector('video#player');
    const w = window.__watch;
    if (!v || !w || w.state !== 'playing') return false;
    const frames = v.getVideoPlaybackQuality().totalVideoFrames;
    // hls.js starts at the hold-back plus its start-up and catches up by playing faster
    return frames >= 60 && typeof w.delayMs === 'number' && w.delayMs >= 0 && w.delayMs < 3000 ? { frames, delayMs: w.delayMs, player: w.player, playUrl: w.playUrl } : false;
  }, undefined, 60_000, 'the HLS page playing with a delay under 3 s');
  result({ step: 'play', ...played });

  // 2. a WebSocket-FLV page signs in and sends a danmaku; the HLS page flies it
  const flv = await context.newPage();
  watchConsole(flv, 'flv');
  await flv.goto(watchUrl, { waitUntil: 'domcontentloaded' });
  await flv.waitForSelector('#nickname-input', { state: 'visible', timeout: 30_000 });
  await flv.fill('#nickname-input', `hls${Date.now() % 100000}`);
  await flv.click('#nickname-save');
  await flv.waitForSelector('#chat-input:not([disabled])', { timeout: 30_000 });
  await waitFor(flv, () => window.__watch?.state === 'playing' && typeof window.__watch.streamTs === 'number', undefined, 30_000, 'the FLV page playing');
  // the stream time on screen on both pages, read together: HLS plays the same timeline a little later
  const [hlsTs, flvTs] = await Promise.all([hls, flv].map((p) => p.evaluate(() => window.__watch.streamTs)));
  const text = `hls-danmaku-${Date.now().toString(36)}`;
  await flv.fill('#chat-input', text);
  await flv.click('#chat-send');
  await waitFor(hls, (t) => [...document.querySelectorAll('#danmaku-layer .danmaku')].some((el) => el.textContent === t), text, 30_000,
    `danmaku "${text}" on the HLS page`);
  result({ step: 'danmaku', text, hlsStreamTs: hlsTs, flvStreamTs: flvTs, flvPlayer: await flv.evaluate(() => window.__watch.player) });
  await flv.close();
  await hls.close();

  // 3. plain hls.js in a bare page of the same origin plays the playlist
  const bare = await context.newPage();
  watchConsole(bare, 'bare');
  await playWithHlsJs(bare, base, stream);
  const bareResult = await waitFor(bare, () => {
    const { video, player } = window.__bare;
    const frames = video.getVideoPlaybackQuality().totalVideoFrames;
    return frames >= 60 ? { frames, latency: player.latency, size: `${video.videoWidth}x${video.videoHeight}` } : false;
  }, undefined, 60_000, 'plain hls.js playing');
  result({ step: 'plain', ...bareResult });

  result({ step: 'console', errors });
  say('DONE');
} catch (error) {
  say(`FAIL ${String(error?.message ?? error).split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
  try { if (context) await context.close(); } catch { /* already gone */ }
  rmSync(userDataDir, { recursive: true, force: true });
}
