#!/usr/bin/env node
// The codecs of Enhanced RTMP in headless Chromium: the watch page plays an AV1 stream over
// WebSocket-FLV for --seconds (default 60) across its key frames; plain mpegts.js (the build's
// patched bundle, no page code) plays the same WS-FLV URL; the page of an HEVC stream says plainly
// when this browser cannot decode it, and so does a page opened before its HEVC stream went live
// (`AWAIT publish-hevc <stream>`: the Java side starts that publisher, then answers). Prints
// `RESULT {json}` per step (`av1`, `plain`, `hevc`, `hevc-later`, `console`), then `DONE`, or
// `FAIL <reason>` (exit 1).
// Usage: node e2e/codec.e2e.mjs --base http://127.0.0.1:PORT --stream AV1_STREAM --hevc HEVC_STREAM [--hevc-later STREAM] [--seconds 60]
import { chromium } from 'playwright-core';
import { answers, args, base, result, say, stream } from './cli.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const seconds = Number(args.seconds ?? 60);
const hevc = args.hevc ?? 'hevc';
const hevcLater = args['hevc-later'] ?? 'hevc-later';
const userDataDir = mkdtempSync(join(tmpdir(), 'livestream-codec-e2e-'));
let context = null;
const hardStop = setTimeout(() => { say(`FAIL hard timeout after ${seconds + 150} s`); process.exit(1); }, (seconds + 150) * 1000);

// the Java side starts a publisher when asked, then answers
const stdin = answers();

// console errors; a page opened before its stream goes live sees 404s for the stream's URLs, as expected
const errors = [];
const expected = [];
function watchConsole(page, label, offlineStream) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    const offline = offlineStream && /status of 404/.test(msg.text()) && url.includes(encodeURIComponent(offlineStream));
    (offline ? expected : errors).push(`${label}: ${msg.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => errors.push(`${label}: pageerror ${error.message}`));
}

/** Samples the video twice a second for `forSeconds`: how far playback went, frames decoded, any stop. */
async function watch(page, forSeconds, stateOf) {
  return page.evaluate(async ({ forSeconds, stateOf }) => {
    const v = document.querySelector('video');
    const start = { time: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames };
    let stalls = 0;
    let longestStillMs = 0;
    let lastTime = v.currentTime;
    let stillSince = performance.now();
    const end = performance.now() + forSeconds * 1000;
    while (performance.now() < end) {
      await new Promise((r) => setTimeout(r, 500));
      const now = performance.now();
      if (v.currentTime > lastTime + 0.01) {
        lastTime = v.currentTime;
        stillSince = now;
      } else {
        longestStillMs = Math.max(longestStillMs, now - stillSince);
      }
      if (stateOf === 'page' && window.__watch?.state !== 'playing') stalls++;
    }
    const q = v.getVideoPlaybackQuality();
    return {
      advancedSeconds: v.currentTime - start.time,
      framesDecoded: q.totalVideoFrames - start.frames,
      droppedFrames: q.droppedVideoFrames,
      notPlayingSamples: stalls,
      longestStillMs: Math.round(longestStillMs),
      reconnects: window.__watch?.reconnects ?? 0,
      videoSize: `${v.videoWidth}x${v.videoHeight}`,
    };
  }, { forSeconds, stateOf });
}

/** What a watch page shows of its player: why it cannot play (null if it can), the text over the picture, its state, frames decoded. */
function shownOn(page) {
  return page.evaluate(() => ({
    cannotPlay: window.__watch.cannotPlay,
    overlay: document.querySelector('#player-status').hidden ? null : document.querySelector('#player-status').textContent,
    state: window.__watch.state,
    framesDecoded: document.querySelector('video#player').getVideoPlaybackQuality().totalVideoFrames,
  }));
}

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });

  // 1. the watch page plays AV1 across many key frames (one a second)
  const page = context.pages()[0] ?? await context.newPage();
  watchConsole(page, 'av1');
  await page.goto(`${base}/watch/${encodeURIComponent(stream)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForFunction(() => window.__watch?.state === 'playing'
    && document.querySelector('video#player').getVideoPlaybackQuality().totalVideoFrames >= 25, undefined, { timeout: 60_000, polling: 250 });
  const supported = await page.evaluate(() => MediaSource.isTypeSupported('video/mp4; codecs="av01.0.00M.08"'));
  result({ step: 'av1', supported, seconds, ...(await watch(page, seconds, 'page')) });
  await page.close();

  // 2. plain mpegts.js, the bundle the build patched, on the same WebSocket-FLV URL
  const plain = await context.newPage();
  watchConsole(plain, 'plain');
  await plain.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await plain.addScriptTag({ path: resolve('node_modules/mpegts.js/dist/mpegts.js') });
  const wsUrl = `${base.replace(/^http/, 'ws')}/live/${encodeURIComponent(stream)}.flv`;
  await plain.evaluate((url) => {
    const video = document.createElement('video');
    video.muted = true;
    document.body.append(video);
    const player = window.mpegts.createPlayer({ type: 'flv', isLive: true, url }, { enableWorker: false, enableStashBuffer: false });
    player.on(window.mpegts.Events.ERROR, (type, detail, info) => console.error(`mpegts error ${type} ${detail} ${info?.msg ?? ''}`));
    player.attachMediaElement(video);
    player.load();
    void player.play();
  }, wsUrl);
  await plain.waitForFunction(() => document.querySelector('video').getVideoPlaybackQuality().totalVideoFrames >= 25,
    undefined, { timeout: 60_000, polling: 250 });
  result({ step: 'plain', ...(await watch(plain, Math.min(10, seconds), 'plain')) });
  await plain.close();

  // 3. an HEVC stream where this browser cannot decode HEVC: said plainly, nothing played
  const hevcPage = await context.newPage();
  watchConsole(hevcPage, 'hevc');
  await hevcPage.goto(`${base}/watch/${encodeURIComponent(hevc)}`, { waitUntil: 'domcontentloaded' });
  await hevcPage.waitForFunction(() => window.__watch !== undefined, undefined, { timeout: 20_000, polling: 100 });
  const listed = await hevcPage.evaluate(async (name) => {
    const body = await (await fetch('/api/streams')).json();
    return body.streams.find((s) => s.name === name);
  }, hevc);
  const hevcSupported = await hevcPage.evaluate((codecs) => MediaSource.isTypeSupported(`video/mp4; codecs="${codecs}"`), listed.video.codecString);
  result({ step: 'hevc', codecString: listed.video.codecString, supported: hevcSupported, ...(await shownOn(hevcPage)) });
  await hevcPage.close();

  // 4. a page opened while its stream is offline, which then goes live in HEVC: the page asks
  // again when the room says the stream is online, and says plainly it cannot decode it
  const laterPage = await context.newPage();
  watchConsole(laterPage, 'hevc-later', hevcLater);
  await laterPage.goto(`${base}/watch/${encodeURIComponent(hevcLater)}`, { waitUntil: 'domcontentloaded' });
  await laterPage.waitForFunction(() => window.__watch?.roomReady === true, undefined, { timeout: 20_000, polling: 100 });
  const before = await laterPage.evaluate(() => ({ cannotPlay: window.__watch.cannotPlay, state: window.__watch.state }));
  await stdin.ask(`publish-hevc ${hevcLater}`);
  await laterPage.waitForFunction((supported) => (supported ? window.__watch.state === 'playing' : window.__watch.cannotPlay !== null),
    hevcSupported, { timeout: 30_000, polling: 200 });
  result({ step: 'hevc-later', supported: hevcSupported, before, ...(await shownOn(laterPage)) });
  await laterPage.close();

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
