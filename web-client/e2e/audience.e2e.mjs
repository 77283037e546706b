#!/usr/bin/env node
// The watch page for its audience, against a running server: a phone (390×844, touch, zh-CN)
// and a desktop (1280×800, English). Prints `RESULT {json}` per step, `DONE` at the end, or
// `FAIL <reason>` (exit 1). Screenshots go to --out, and are copied to --screenshots when given
// (docs/screenshots/, for the README).
// Usage: node e2e/audience.e2e.mjs --base http://127.0.0.1:PORT --stream NAME --out DIR [--screenshots DIR]
import { chromium } from 'playwright-core';
import { args, base, result, say, stream } from './cli.mjs';
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

const errors = [];
function watchConsole(page, label) {
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`${label}: ${msg.text()}`); });
  page.on('pageerror', (error) => errors.push(`${label}: pageerror ${error.message}`));
}

async function waitFor(page, fn, arg, timeoutMs, what) {
  try {
    return await page.waitForFunction(fn, arg, { timeout: timeoutMs, polling: 250 });
  } catch (error) {
    const state = await page.evaluate(() => JSON.stringify({ watch: window.__watch ?? null, layout: document.documentElement.dataset.layout,
      chatError: document.querySelector('#chat-error')?.textContent ?? null })).catch(() => '?');
    throw new Error(`${what}: ${error.message.split('\n')[0]} (page state ${state})`);
  }
}

const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent?.trim() ?? null, selector);
const attr = (page, selector, name) => page.evaluate(([s, n]) => document.querySelector(s)?.getAttribute(n) ?? null, [selector, name]);

/** Where the element is against the visual viewport (what is on screen above a keyboard). */
const onScreen = (page, selector) => page.evaluate((s) => {
  const r = document.querySelector(s).getBoundingClientRect();
  const vv = window.visualViewport;
  const top = vv ? vv.offsetTop : 0;
  const height = vv ? vv.height : window.innerHeight;
  return { top: r.top, bottom: r.bottom, viewportBottom: top + height, visible: r.height > 0 && r.top >= top && r.bottom <= top + height + 0.5 };
}, selector);

function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

async function shoot(page, name) {
  const path = join(out, name);
  await page.screenshot({ path });
  if (screenshots) copyFileSync(path, join(screenshots, name));
  return path;
}

/** One audience member: the page in its language, plays, chats, sends a gift, fits the width. */
async function visit(context, label, expected) {
  const page = await context.newPage();
  watchConsole(page, label);
  const tap = (selector) => (expected.touch ? page.tap(selector) : page.click(selector));
  await page.goto(`${base}/watch/${encodeURIComponent(stream)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#nickname-save', { state: 'visible', timeout: 20_000 });

  // the language: <html lang>, the header, the room's texts
  expectEqual(await page.evaluate(() => document.documentElement.lang), expected.lang, `${label}: <html lang>`);
  expectEqual(await page.evaluate(() => document.documentElement.dataset.layout), expected.layout, `${label}: layout`);
  for (const [selector, want] of Object.entries(expected.texts)) expectEqual(await text(page, selector), want, `${label}: text of ${selector}`);
  expectEqual(await attr(page, '#chat-input', 'placeholder'), expected.placeholder, `${label}: chat placeholder`);

  const start = await page.evaluate(() => document.querySelector('video#player')?.currentTime ?? 0);
  await waitFor(page, (t0) => window.__watch?.state === 'playing' && (document.querySelector('video#player')?.currentTime ?? 0) > t0 + 1,
    start, 40_000, `${label}: playing`);

  // sign in, then the input: focused, it stays on screen; a danmaku sent from it appears
  const nick = `${label}${Date.now() % 100000}`;
  await page.fill('#nickname-input', nick);
  await tap('#nickname-save');
  await page.waitForSelector('#chat-input:not([disabled])', { timeout: 30_000 });
  await tap('#chat-input');
  await page.waitForTimeout(300);
  const input = await onScreen(page, '#chat-input');
  if (!input.visible) throw new Error(`${label}: the focused input is off screen ${JSON.stringify(input)}`);
  const message = `${label}-hello-${Math.random().toString(36).slice(2, 8)}`;
  await page.fill('#chat-input', message);
  await tap('#chat-send');
  await waitFor(page, (m) => [...document.querySelectorAll('#chat-list .chat-item, #danmaku-layer .danmaku')].some((el) => el.textContent.includes(m)),
    message, 20_000, `${label}: the danmaku "${message}" shown`);

  // gifts: on the phone in a bottom sheet opened from the gift button, on a desktop beside the chat
  if (expected.sheet) {
    await tap('#gift-open');
    await waitFor(page, () => {
      const sheet = document.querySelector('#gift-sheet');
      const r = sheet.getBoundingClientRect();
      return sheet.classList.contains('open') && r.top >= 0 && r.bottom <= window.innerHeight + 0.5;
    }, null, 5000, `${label}: the gift sheet open on screen`);
  }
  await page.waitForSelector('#gift-panel .gift-button', { state: 'visible', timeout: 10_000 });
  await tap('#gift-panel .gift-button[data-gift="heart"]');
  await waitFor(page, (n) => [...document.querySelectorAll('#leaderboard .lb-nick')].some((el) => el.textContent === n), nick, 20_000,
    `${label}: the gift counted on the leaderboard`);
  const giftLine = await page.evaluate(() => [...document.querySelectorAll('#chat-list .chat-gift .chat-text')].map((el) => el.textContent).pop() ?? null);
  expectEqual(giftLine, expected.giftLine, `${label}: the gift in the chat`);
  if (expected.sheet) {
    await tap('#gift-close');
    await waitFor(page, () => !document.querySelector('#gift-sheet').classList.contains('open'), null, 5000, `${label}: the gift sheet closed`);
  }

  // no sideways scrolling, and the input still on screen
  const overflow = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
  if (overflow > 0) throw new Error(`${label}: the page scrolls sideways by ${overflow} px`);
  const inputAfter = await onScreen(page, '#chat-input');
  if (!inputAfter.visible) throw new Error(`${label}: the input is off screen ${JSON.stringify(inputAfter)}`);

  // a screenshot with a comment in flight
  await page.fill('#chat-input', expected.shotMessage);
  await tap('#chat-send');
  await page.waitForTimeout(1500);
  await page.evaluate(() => document.activeElement?.blur());
  const screenshot = await shoot(page, expected.screenshot);
  result({ step: label, lang: expected.lang, layout: expected.layout, nick, message, giftLine, screenshot });
  await page.close();
}

async function main() {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    locale: 'zh-CN', userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Mobile Safari/537.36' });
  await visit(phone, 'phone', {
    touch: true, sheet: true, lang: 'zh-CN', layout: 'phone', screenshot: 'watch-phone.png',
    texts: { '#nickname-save': '加入聊天', '#lang-toggle': 'English', '.site-header nav a[href="/"]': '正在直播', '#like-button': '点赞', '#gift-open': '礼物' },
    placeholder: '发个弹幕…', giftLine: '送出 爱心', shotMessage: '主播好！',
  });
  await phone.close();

  const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
  await visit(desktop, 'desktop', {
    touch: false, sheet: false, lang: 'en', layout: 'desktop', screenshot: 'watch-desktop.png',
    texts: { '#nickname-save': 'Join chat', '#lang-toggle': '中文', '.site-header nav a[href="/"]': 'Live now', '#like-button': 'Like' },
    placeholder: 'Say something…', giftLine: 'sent Heart', shotMessage: 'hello from the desktop',
  });
  await desktop.close();

  result({ step: 'console', errors });
  await browser.close();
  say('DONE');
  process.exit(0);
}

main().catch((error) => fail(error?.message ?? error));
