#!/usr/bin/env node
// The studio's health panel against a running server, with the Java side publishing when asked:
// waiting before the encoder starts; a 2 s keyframe interval read back and the bitrate chart
// filling; a 6 s interval warned; "encoder stopped" once ffmpeg is killed. Prints `RESULT {json}`
// per step, `AWAIT publish <keyframe seconds>` / `AWAIT kill-publisher` for the Java side, `DONE`
// at the end, or `FAIL <reason>` (exit 1). Screenshots go to --out, studio.png also to --screenshots.
// Usage: node e2e/studio.e2e.mjs --base http://127.0.0.1:PORT --stream NAME --out DIR [--screenshots DIR]
import { chromium } from 'playwright-core';
import { answers, args, base, result, say, stream } from './cli.mjs';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const out = resolve(args.out ?? '.');
const screenshots = args.screenshots ? resolve(args.screenshots) : null;
mkdirSync(out, { recursive: true });
if (screenshots) mkdirSync(screenshots, { recursive: true });

let browser = null;
async function fail(reason) {
  say(`FAIL ${String(reason).replace(/\s+/g, ' ')}`);
  try { if (browser) await browser.close(); } catch { /* already gone */ }
  process.exit(1);
}
const hardStop = setTimeout(() => { void fail('hard timeout after 180 s'); }, 180_000);
hardStop.unref?.();

const { ask } = answers();

const errors = [];
function watchConsole(page) {
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url ?? '';
    // before the encoder starts and after it stops, the stream is offline: the preview's and the panel's 404s are expected
    const offline = /WebSocket connection to .*\/live\/.*failed/i.test(msg.text())
      || (/status of 404/.test(msg.text()) && /\/api\/(play|streams)\//.test(url));
    if (!offline) errors.push(`studio: ${msg.text()} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(`studio: pageerror ${error.message}`));
}

async function waitFor(page, fn, arg, timeoutMs, what) {
  try {
    return await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 250 });
  } catch (error) {
    const state = await page.evaluate(() => JSON.stringify({
      status: document.querySelector('#health-status')?.textContent, keyframe: document.querySelector('#health-keyframe')?.textContent,
      points: document.querySelector('#chart-bitrate')?.dataset.points })).catch(() => '?');
    throw new Error(`${what}: ${error.message.split('\n')[0]} (panel ${state})`);
  }
}

const panel = (page) => page.evaluate(() => ({
  state: document.querySelector('#health-status')?.dataset.state ?? null,
  status: document.querySelector('#health-status')?.textContent ?? null,
  keyframe: document.querySelector('#health-keyframe')?.textContent ?? null,
  media: document.querySelector('#health-media')?.hidden ? null : document.querySelector('#health-media')?.textContent ?? null,
  warning: document.querySelector('#health-keyframe-warning')?.hidden ? null : document.querySelector('#health-keyframe-warning')?.textContent ?? null,
  points: Object.fromEntries([...document.querySelectorAll('.health-chart')].map((c) => [c.id, Number(c.dataset.points)])),
}));

async function main() {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  const page = await context.newPage();
  watchConsole(page);
  await page.goto(`${base}/studio`, { waitUntil: 'domcontentloaded' });
  await page.fill('#stream-name', stream);
  await page.click('#studio-submit');
  await page.waitForSelector('#stream-health', { timeout: 20_000 });
  await waitFor(page, () => document.querySelector('#health-status')?.dataset.state === 'waiting', null, 10_000, 'waiting for the encoder');
  result({ step: 'waiting', ...(await panel(page)) });

  // 1. a 2 s keyframe interval: read back, the bitrate chart fills
  await ask('publish 2');
  await waitFor(page, () => document.querySelector('#health-status')?.dataset.state === 'receiving'
    && Number(document.querySelector('#chart-bitrate')?.dataset.points) >= 5
    && /\b2\.0\b/.test(document.querySelector('#health-keyframe')?.textContent ?? '')
    && !document.querySelector('#health-media')?.hidden, null, 60_000, 'receiving, 5 bitrate points, a 2 s interval, the codecs');
  result({ step: 'receiving', ...(await panel(page)) });

  // 2. a 6 s keyframe interval: warned; meanwhile the streamer says a few things in the room (distinct texts, under its rate)
  await ask('publish 6');
  await page.waitForSelector('#chat-input:not([disabled])', { timeout: 20_000 });
  for (const text of ['Hello everyone!', 'Testing the new encoder settings', 'Keyframes every 6 s now']) {
    await page.fill('#chat-input', text);
    await page.click('#chat-send');
    await page.waitForTimeout(1200);
  }
  await waitFor(page, () => !document.querySelector('#health-keyframe-warning')?.hidden
    && /\b6\.0\b/.test(document.querySelector('#health-keyframe')?.textContent ?? ''), null, 60_000, 'the 6 s interval warned');
  result({ step: 'warning', ...(await panel(page)) });
  // the panel at the top of the window, below the sticky header
  await page.evaluate(() => window.scrollTo(0, document.querySelector('#stream-health').getBoundingClientRect().top + window.scrollY
    - document.querySelector('.site-header').getBoundingClientRect().height - 12));
  const shot = join(out, 'studio.png');
  await page.screenshot({ path: shot });
  if (screenshots) copyFileSync(shot, join(screenshots, 'studio.png'));

  // 3. ffmpeg killed: the encoder stopped
  await ask('kill-publisher');
  await waitFor(page, () => document.querySelector('#health-status')?.dataset.state === 'stopped', null, 20_000, 'the encoder stopped');
  result({ step: 'stopped', ...(await panel(page)) });
  await page.screenshot({ path: join(out, 'studio-stopped.png') });

  result({ step: 'console', errors, screenshot: shot });
  await browser.close();
  say('DONE');
  process.exit(0);
}

main().catch((error) => fail(error?.message ?? error));
