#!/usr/bin/env node
// End-to-end check of the watch page against a running server, driven line by line by the Java
// test: prints `RESULT {json}` per step, `AWAIT <what>` when it needs the other side to act (and
// reads one line from stdin), `DONE` at the end, or `FAIL <reason>` (exit 1).
// Usage: node e2e/watch.e2e.mjs --base http://127.0.0.1:PORT --stream NAME --out DIR
import { chromium } from 'playwright-core';
import { args, base, result, say, stream } from './cli.mjs';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const out = resolve(args.out ?? '.');
mkdirSync(out, { recursive: true });

// stdin lines from the Java side, one per AWAIT
const input = createInterface({ input: process.stdin });
const lines = [];
let lineWaiter = null;
input.on('line', (line) => { if (lineWaiter) { const w = lineWaiter; lineWaiter = null; w(line.trim()); } else lines.push(line.trim()); });
input.on('close', () => { if (lineWaiter) { const w = lineWaiter; lineWaiter = null; w(null); } });
function awaitLine(what, timeoutMs = 120_000) {
  say(`AWAIT ${what}`);
  if (lines.length) return Promise.resolve(lines.shift());
  return new Promise((resolveLine, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer to AWAIT ${what}`)), timeoutMs);
    lineWaiter = (line) => { clearTimeout(timer); line === null ? reject(new Error(`stdin closed at AWAIT ${what}`)) : resolveLine(line); };
  });
}

let browser = null;
let userDataDir = null;
async function closeBrowser() {
  try { if (browser) await browser.close(); } catch { /* already gone */ }
  browser = null;
  if (userDataDir) { try { rmSync(userDataDir, { recursive: true, force: true }); } catch { /* best effort */ } }
}
async function fail(reason) {
  say(`FAIL ${String(reason).replace(/\s+/g, ' ')}`);
  await closeBrowser();
  process.exit(1);
}
const hardStop = setTimeout(() => { void fail('hard timeout after 240 s'); }, 240_000);
hardStop.unref?.();

// console errors of every page; while the stream is offline, a failed WebSocket and /api/play's
// 404 (stream-not-found, asked before each reconnect) are expected
const errors = [];
const expected = [];
function watchConsole(page, label) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = `${label}: ${msg.text()}`;
    const offlineAnswer = /WebSocket connection to .*\/live\/.*failed/i.test(msg.text())
      || (/status of 404/.test(msg.text()) && /\/api\/play\//.test(msg.location()?.url ?? ''));
    (offlineAnswer ? expected : errors).push(offlineAnswer ? `${text} (${msg.location()?.url ?? ''})` : text);
  });
  page.on('pageerror', (error) => errors.push(`${label}: pageerror ${error.message} ${(error.stack ?? '').split('\n').slice(0, 3).join(' | ')}`));
}

async function waitFor(page, fn, arg, timeoutMs, what) {
  try {
    return await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 250 });
  } catch (error) {
    const state = await page.evaluate(() => JSON.stringify({ watch: window.__watch ?? null, t: document.querySelector('video#player')?.currentTime ?? null })).catch(() => '?');
    throw new Error(`${what}: ${error.message.split('\n')[0]} (page state ${state})`);
  }
}

async function main() {
  userDataDir = mkdtempSync(join(tmpdir(), 'livestream-e2e-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
    viewport: { width: 1280, height: 800 },
  });
  browser = context;
  const watchUrl = `${base}/watch/${encodeURIComponent(stream)}`;

  // 1. page A plays, with a measured delay under 2 s
  const pageA = context.pages()[0] ?? await context.newPage();
  watchConsole(pageA, 'A');
  await pageA.goto(watchUrl, { waitUntil: 'domcontentloaded' });
  const start = await pageA.evaluate(() => document.querySelector('video#player')?.currentTime ?? 0);
  const played = await waitFor(pageA, (t0) => {
    const v = document.querySelector('video#player');
    const w = window.__watch;
    if (!v || !w || v.currentTime <= t0) return false;
    const frames = v.getVideoPlaybackQuality().totalVideoFrames;
    return frames >= 100 && typeof w.delayMs === 'number' && w.delayMs >= 0 && w.delayMs < 2000 ? { frames, delayMs: w.delayMs } : false;
  }, start, 60_000, 'playing with a delay under 2 s');
  result({ step: 'play', ...(await played.jsonValue()) });

  // 2. page B signs in and sends a danmaku; page A flies it
  const pageB = await context.newPage();
  watchConsole(pageB, 'B');
  await pageB.goto(watchUrl, { waitUntil: 'domcontentloaded' });
  await pageB.waitForSelector('#nickname-input', { state: 'visible', timeout: 30_000 });
  await pageB.fill('#nickname-input', `e2e${Date.now() % 100000}`);
  await pageB.click('#nickname-save');
  await pageB.waitForSelector('#chat-input:not([disabled])', { timeout: 30_000 });
  const text = `e2e-danmaku-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  await pageB.fill('#chat-input', text);
  await pageB.click('#chat-send');
  await waitFor(pageA, (t) => [...document.querySelectorAll('#danmaku-layer .danmaku')].some((el) => el.textContent === t), text, 30_000,
    `danmaku "${text}" on page A`).catch(async (error) => {
    const chatError = await pageB.textContent('#chat-error').catch(() => '');
    throw new Error(`${error.message}${chatError ? ` (sender saw: ${chatError})` : ''}`);
  });
  result({ step: 'danmaku', text });

  // 3. screenshots: the watch page, the directory (listing the stream), the studio
  const watchShot = join(out, 'watch-page.png');
  await pageA.waitForTimeout(1500); // let the comment fly in far enough to be seen
  await pageA.screenshot({ path: watchShot });
  const pageC = await context.newPage();
  watchConsole(pageC, 'directory');
  await pageC.goto(`${base}/`, { waitUntil: 'domcontentloaded' });
  await waitFor(pageC, (name) => [...document.querySelectorAll('.stream-card a')].some((a) => a.getAttribute('href') === `/watch/${encodeURIComponent(name)}`),
    stream, 20_000, 'the directory lists the stream');
  const directoryShot = join(out, 'directory.png');
  await pageC.screenshot({ path: directoryShot, fullPage: true });
  await pageC.goto(`${base}/studio`, { waitUntil: 'domcontentloaded' });
  await pageC.waitForSelector('#studio-form', { timeout: 10_000 });
  const studioShot = join(out, 'studio.png');
  await pageC.screenshot({ path: studioShot, fullPage: true });

  // 3b. the studio: the stream's key (from loopback), a preview that plays, and moderation:
  // the streamer deletes page B's comment and it leaves page A's chat
  await pageC.fill('#stream-name', stream);
  await pageC.click('#studio-submit');
  await pageC.waitForSelector('#obs-key', { timeout: 20_000 });
  const streamKey = await pageC.textContent('#obs-key');
  if (!streamKey.startsWith(`${stream}?token=`)) throw new Error(`studio stream key ${streamKey}`);
  const previewStart = await pageC.evaluate(() => document.querySelector('video#player')?.currentTime ?? 0);
  await waitFor(pageC, (t0) => (document.querySelector('video#player')?.currentTime ?? 0) > t0 + 1, previewStart, 30_000, 'studio preview playing');
  await waitFor(pageC, (t) => [...document.querySelectorAll('#chat-list .chat-item')].some((el) => el.textContent.includes(t) && el.querySelector('.mod-delete')),
    text, 20_000, 'the comment in the studio with a delete button');
  await pageC.evaluate((t) => [...document.querySelectorAll('#chat-list .chat-item')].find((el) => el.textContent.includes(t)).querySelector('.mod-delete').click(), text);
  await waitFor(pageA, (t) => ![...document.querySelectorAll('#chat-list .chat-item')].some((el) => el.textContent.includes(t)), text, 20_000,
    'the deleted comment gone from page A');
  const studioLiveShot = join(out, 'studio-live.png');
  await pageC.screenshot({ path: studioLiveShot, fullPage: true });
  result({ step: 'studio', streamKeyPrefix: `${stream}?token=`, deleted: text });
  // 3c. a phone: the watch page fits the width (no sideways scrolling) and still plays
  const phone = await context.newPage();
  watchConsole(phone, 'phone');
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.goto(watchUrl, { waitUntil: 'domcontentloaded' });
  await waitFor(phone, () => (document.querySelector('video#player')?.currentTime ?? 0) > 0.5, null, 30_000, 'playing on a phone-sized page');
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`the phone-sized watch page scrolls sideways by ${overflow} px`);
  const phoneShot = join(out, 'watch-phone-full.png');
  await phone.screenshot({ path: phoneShot, fullPage: true });
  await phone.close();
  result({ step: 'screenshot', path: watchShot, directory: directoryShot, studio: studioShot, studioLive: studioLiveShot, phone: phoneShot });
  await pageC.close();
  await pageB.close();

  // 4. the publisher goes away: offline; it comes back: playing again by itself
  await awaitLine('kill-publisher');
  await waitFor(pageA, () => window.__watch?.state === 'offline', null, 30_000, 'offline after the publisher was killed');
  result({ step: 'offline' });
  await awaitLine('restart-publisher');
  const deadline = Date.now() + 60_000;
  await waitFor(pageA, () => window.__watch?.state === 'playing', null, 60_000, 'playing again');
  const resumedAt = await pageA.evaluate(() => document.querySelector('video#player').currentTime);
  await waitFor(pageA, (t0) => window.__watch?.state === 'playing' && document.querySelector('video#player').currentTime >= t0 + 2,
    resumedAt, Math.max(1000, deadline - Date.now()), 'playback advancing 2 s after recovery');
  const reconnects = await pageA.evaluate(() => window.__watch.reconnects);
  result({ step: 'recovered', reconnects });

  // 5. console errors of every page
  result({ step: 'console', errors, expected });
  await closeBrowser();
  say('DONE');
  process.exit(0);
}

main().catch((error) => fail(error?.message ?? error));
