#!/usr/bin/env node
// LL-HLS latency benchmark (not a test): plain hls.js in low-latency mode in headless Chromium plays
// `/live/<stream>.m3u8`; its own live latency estimate (`hls.latency`) is sampled every 0.5 s for
// --seconds after a --warmup, stalls (`bufferStalledError`, those of the warm-up apart) and other errors counted,
// with the latency hls.js aims at in the end.
// Prints `RESULT {"median":…,"min":…,"max":…,"samples":…,"stalls":…,"errors":[…]}` then `DONE`, or `FAIL <reason>`.
// Usage: node e2e/hls-latency.mjs --base http://127.0.0.1:PORT --stream NAME [--seconds 60] [--warmup 5]
import { chromium } from 'playwright-core';
import { args, base, result, say, stream } from './cli.mjs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_OPTIONS, playWithHlsJs } from './hls-page.mjs';

const seconds = Number(args.seconds ?? 60);
const warmup = Number(args.warmup ?? 5);
const userDataDir = mkdtempSync(join(tmpdir(), 'livestream-hls-latency-'));
let context = null;
const hardStop = setTimeout(() => { say('FAIL hard timeout'); process.exit(1); }, (seconds + warmup + 90) * 1000);
try {
  context = await chromium.launchPersistentContext(userDataDir, CHROMIUM_OPTIONS);
  const page = context.pages()[0] ?? await context.newPage();
  await playWithHlsJs(page, base, stream);
  await page.waitForFunction(() => window.__bare.video.currentTime > 0, undefined, { timeout: 30_000, polling: 100 });
  await page.waitForTimeout(warmup * 1000);
  const before = await page.evaluate(() => ({ stalls: window.__bare.stalls, errors: window.__bare.errors.length }));
  const samples = [];
  for (let i = 0; i < seconds * 2; i++) {
    await page.waitForTimeout(500);
    const latency = await page.evaluate(() => window.__bare.player.latency);
    if (Number.isFinite(latency) && latency > 0) samples.push(latency);
  }
  const after = await page.evaluate(() => ({ stalls: window.__bare.stalls, errors: window.__bare.errors, frames: window.__bare.video.getVideoPlaybackQuality().totalVideoFrames,
    targetLatency: window.__bare.player.targetLatency, stallLog: window.__bare.stallLog, partHoldBack: window.__bare.player.latestLevelDetails?.partHoldBack ?? null }));
  samples.sort((a, b) => a - b);
  const round = (x) => Math.round(x * 1000) / 1000;
  result({ median: round(samples[Math.floor(samples.length / 2)] ?? NaN), min: round(samples[0] ?? NaN), max: round(samples.at(-1) ?? NaN),
    samples: samples.length, stalls: after.stalls - before.stalls, startupStalls: before.stalls, errors: after.errors.slice(before.errors), frames: after.frames,
    // hls.js aims at PART-HOLD-BACK plus 1 s per stall it saw (liveSyncOnStallIncrease), at most one target duration more
    targetLatency: round(after.targetLatency ?? NaN), partHoldBack: after.partHoldBack, stallLog: after.stallLog });
  say('DONE');
} catch (error) {
  say(`FAIL ${String(error?.message ?? error).split('\n')[0]}`);
  process.exitCode = 1;
} finally {
  clearTimeout(hardStop);
  try { if (context) await context.close(); } catch { /* already gone */ }
  rmSync(userDataDir, { recursive: true, force: true });
}
