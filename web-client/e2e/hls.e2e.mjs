#!/usr/bin/env node
// The watch page over LL-HLS in headless Chromium: `?player=hls` plays through hls.js (standing in
// for Safari's native HLS, which this machine cannot run) with a measured delay, a danmaku sent from
// a WebSocket-FLV page flies over it, both pages agree on the stream time, and the page comes back by
// itself after the publisher is killed and restarted (`AWAIT kill-publisher`, `AWAIT restart-publisher`:
// the Java side acts, then answers a line); plain hls.js plays the playlist in a bare page; a browser
// that refuses sound without a gesture gets the page muted with an unmute button.
// Prints `RESULT {json}` per step, then `DONE`, or `FAIL <reason>`.
// Usage: node e2e/hls.e2e.mjs --base http://127.0.0.1:PORT --stream NAME
import { chromium } from 'playwright-core';
import { answers, base, result, say, stream } from './cli.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_OPTIONS, playWithHlsJs } from './hls-page.mjs';
const userDataDir = mkdtempSync(join(tmpdir(), 'livestream-hls-e2e-'));
let context = null;
// console errors; while the stream is offline the playlist's and its media's 404s are expected, 503 for a reload
// that was waiting when the stream ended, and the video element's failed load of a MediaSource URL that hls.js
// revoked as the page tore that player down to reconnect (Chromium reports it; nothing is lost)
const errors = [];
const expected = [];
function watchConsole(page, label) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    const offline = /status of (404|503)/.test(msg.text()) && /\/live\//.test(url);
    const revoked = /ERR_FILE_NOT_FOUND/.test(msg.text()) && url.startsWith('blob:');
    (offline || revoked ? expected : errors).push(`${label}: ${msg.text()} (${url})`);
  });
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

// the Java side kills or restarts the publisher when asked, then answers
const stdin = answers();

const hardStop = setTimeout(() => { say('FAIL hard timeout after 240 s'); process.exit(1); }, 240_000);
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
    return frames >= 60 && typeof w.delayMs === 'number' && w.delayMs >= 0 && w.delayMs < 3000 ? { frames, delayMs: w.delayMs, player: w.player, playUrl: w.playUrl,
      inline: ['playsinline', 'webkit-playsinline', 'x5-playsinline'].every((name) => v.hasAttribute(name)) && v.getAttribute('x5-video-player-type') === 'h5' } : false;
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

  // 3. the publisher goes away: offline; it comes back: the HLS page plays again by itself
  await stdin.ask('kill-publisher');
  await waitFor(hls, () => window.__watch?.state === 'offline', undefined, 40_000, 'offline after the publisher was killed');
  await stdin.ask('restart-publisher');
  const resumedAt = await waitFor(hls, () => window.__watch?.state === 'playing' && document.querySelector('video#player').currentTime,
    undefined, 60_000, 'playing again');
  await waitFor(hls, (t0) => document.querySelector('video#player').currentTime >= t0 + 2, resumedAt, 30_000, 'playback advancing 2 s after recovery');
  result({ step: 'recovered', reconnects: await hls.evaluate(() => window.__watch.reconnects) });
  await hls.close();

  // 4. plain hls.js in a bare page of the same origin plays the playlist
  const bare = await context.newPage();
  watchConsole(bare, 'bare');
  await playWithHlsJs(bare, base, stream);
  const bareResult = await waitFor(bare, () => {
    const { video, player } = window.__bare;
    const frames = video.getVideoPlaybackQuality().totalVideoFrames;
    return frames >= 60 ? { frames, latency: player.latency, size: `${video.videoWidth}x${video.videoHeight}` } : false;
  }, undefined, 60_000, 'plain hls.js playing');
  result({ step: 'plain', ...bareResult });

  await bare.close();

  // 5. a browser that refuses sound without a gesture (as phones do; this Chromium's flag does not make
  // it refuse, so play() is made to reject unmuted as theirs does): the page plays muted and offers to unmute
  const strict = await context.newPage();
  watchConsole(strict, 'strict');
  await strict.addInitScript(() => {
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function playUnlessSound() {
      return this.muted ? play.call(this)
        : Promise.reject(new DOMException('play() with sound needs a user gesture', 'NotAllowedError'));
    };
  });
  await strict.goto(`${watchUrl}?player=hls`, { waitUntil: 'domcontentloaded' });
  await waitFor(strict, () => window.__watch?.state === 'playing' && document.querySelector('video#player').muted
    && !document.querySelector('#unmute-button').hidden, undefined, 60_000, 'playing muted with the unmute button shown');
  const label = await strict.textContent('#unmute-button');
  await strict.click('#unmute-button');
  const unmuted = await strict.evaluate(() => ({ muted: document.querySelector('video#player').muted, hidden: document.querySelector('#unmute-button').hidden }));
  result({ step: 'unmute', label: label.trim(), ...unmuted });
  await strict.close();

  result({ step: 'console', errors, expected });
  say('DONE');
} catch (error) {
  say(`FAIL ${String(error?.message ?? error).split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
  stdin.close(); // stdin no longer holds the process open
  try { if (context) await context.close(); } catch { /* already gone */ }
  rmSync(userDataDir, { recursive: true, force: true });
}
