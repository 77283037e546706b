#!/usr/bin/env node
// Opens the watch page of a stream at a gateway in headless Chromium and reports where its player
// connected and that it played: `RESULT {"step":"play","playUrl":...,"frames":...}` then `DONE`,
// or `FAIL <reason>` (exit 1). The Java side checks the URL against the relay it expects.
// Usage: node e2e/play.e2e.mjs --base http://127.0.0.1:PORT --stream NAME
import { chromium } from 'playwright-core';
import { base, say, stream } from './cli.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const userDataDir = mkdtempSync(join(tmpdir(), 'livestream-play-e2e-'));
let context = null;
const hardStop = setTimeout(() => { say('FAIL hard timeout after 90 s'); process.exit(1); }, 90_000);
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
  const page = context.pages()[0] ?? await context.newPage();
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${base}/watch/${encodeURIComponent(stream)}`, { waitUntil: 'domcontentloaded' });
  const played = await page.waitForFunction(() => {
    const v = document.querySelector('video#player');
    const w = window.__watch;
    if (!v || !w || w.state !== 'playing') return false;
    const frames = v.getVideoPlaybackQuality().totalVideoFrames;
    return frames >= 30 ? { playUrl: w.playUrl, frames } : false;
  }, undefined, { timeout: 60_000, polling: 250 });
  say(`RESULT ${JSON.stringify({ step: 'play', ...(await played.jsonValue()), errors })}`);
  say('DONE');
} catch (error) {
  say(`FAIL ${String(error?.message ?? error).split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
  try { if (context) await context.close(); } catch { /* already gone */ }
  rmSync(userDataDir, { recursive: true, force: true });
}
