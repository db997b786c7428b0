// Shared by the room page's browser stories (tests/browser/room_*.mjs): Debian's headless
// Chromium with a fake camera and microphone, one browser context per person (desktop or
// phone), joining through the page's own form, and every console error and uncaught page
// error collected (a story fails on any). Janus and the page server are started by the Python
// test (tests/integration/test_room.py) inside the test network namespace.
//   node room_<story>.mjs CONFIG_JSON   (page url, tokens, screenshot folder)
import { chromium } from 'playwright-core';
import readline from 'node:readline';

export const config = JSON.parse(process.argv[2]);

const PHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';

// extraArgs: e.g. the fake camera's and microphone's files (--use-file-for-fake-*-capture).
export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      '--disable-features=WebRtcHideLocalIpsWithMdns', ...extraArgs],
  });
}

// Every notification the page shows, in order, kept even after it disappears; and a stand-in
// for screen sharing (headless Chromium has none): a moving canvas.
function pageInit() {
  window.__toasts = [];
  document.addEventListener('DOMContentLoaded', () => {
    new MutationObserver((changes) => {
      for (const change of changes) {
        for (const node of change.addedNodes) {
          const text = node.querySelector && node.querySelector('.toast-text');
          if (text) window.__toasts.push(text.textContent);
        }
      }
    }).observe(document.getElementById('toasts'), { childList: true });
  });
  navigator.mediaDevices.getDisplayMedia = async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 1280; canvas.height = 720;
    const context = canvas.getContext('2d');
    let frame = 0;
    setInterval(() => {
      frame += 1;
      context.fillStyle = `hsl(${(frame * 2) % 360}, 55%, 35%)`;
      context.fillRect(0, 0, 1280, 720);
      context.fillStyle = '#fff';
      context.font = 'bold 72px sans-serif';
      context.fillText('Quarterly review', 80, 300);
      context.font = '48px sans-serif';
      context.fillText(`Slide ${1 + Math.floor(frame / 150)}`, 80, 400);
    }, 33);
    return canvas.captureStream(30);
  };
}

export class Person {
  constructor(name, page, errors) { this.name = name; this.page = page; this.errors = errors; this.heartbeats = []; }

  async click(selector) { await this.page.click(selector); }

  async waitFor(fn, arg, timeout = 20000) {
    try {
      await this.page.waitForFunction(fn, arg, { timeout });
    } catch (error) {
      // What the page showed when the wait ran out: its tiles and its last notifications.
      const seen = await this.page.evaluate(() => ({
        tiles: [...document.querySelectorAll('.tile')].map((tile) => tile.id),
        toasts: (window.__toasts || []).slice(-5),
      })).catch(() => ({}));
      throw new Error(`${this.name}: timed out waiting for ${fn.toString().slice(0, 160)} (${JSON.stringify(arg)}); `
        + `the page had ${JSON.stringify(seen)}`);
    }
  }

  async waitText(selector, text, timeout = 20000) {
    await this.waitFor(([s, t]) => [...document.querySelectorAll(s)].some((e) => e.textContent.includes(t) && e.checkVisibility()),
      [selector, text], timeout);
  }

  async visible(selector) {
    return this.page.evaluate((s) => { const e = document.querySelector(s); return !!e && e.checkVisibility(); }, selector);
  }

  toasts() { return this.page.evaluate(() => window.__toasts); }

  async confirm(expectTitle) {
    await this.page.waitForSelector('dialog#confirm[open]', { timeout: 5000 });
    const title = await this.page.textContent('#confirm-title');
    if (expectTitle && !title.includes(expectTitle)) throw new Error(`${this.name}: dialog "${title}", expected "${expectTitle}"`);
    await this.page.click('#confirm-ok');
    return title;
  }

  async menu(item) {
    await this.page.click('#btn-more');
    await this.page.click(item);
  }

  // Remote videos that are really playing (size known, time advancing), by tile caption.
  async playing(scope = '.tile') {
    return this.page.evaluate(async (s) => {
      const tiles = [...document.querySelectorAll(s)].filter((t) => t.dataset.feed !== 'me');
      const before = tiles.map((t) => t.querySelector('video').currentTime);
      await new Promise((resolve) => setTimeout(resolve, 800));
      return tiles.filter((t, i) => { const v = t.querySelector('video'); return v.videoWidth > 0 && v.currentTime > before[i]; })
        .map((t) => t.querySelector('figcaption').textContent);
    }, scope);
  }

  // Cuts the network (janus.js then loses its long poll) and brings it back.
  async setOffline(value) {
    if (value) this.offline = true;
    await this.page.context().setOffline(value);
    if (!value) setTimeout(() => { this.offline = false; }, 5000);
  }

  async shot(path) { await this.page.screenshot({ path, fullPage: false }); }

  // Counts every console error, uncaught error and failed HTTP answer of one of this person's
  // pages (the room, or a page they open from it) against the story. While a story has cut
  // the network on purpose, the browser's own failed-request lines are expected.
  watch(page, label) {
    const offline = (text) => this.offline && /net::ERR_INTERNET_DISCONNECTED/.test(text);
    page.on('console', (message) => {
      if (message.type() === 'error' && !offline(message.text())) this.errors.push(`${label} console: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.errors.push(`${label} page: ${error.message}`));
    page.on('response', (response) => {
      if (response.status() >= 400) this.errors.push(`${label} HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
    });
  }
}

// Tells the Python test something (one JSON line) and waits for its answer (one stdin line):
// what only the test can do, such as refreshing the telemetry rollups.
let input = null;
export async function askTest(message) {
  if (!input) input = readline.createInterface({ input: process.stdin });
  const answer = new Promise((resolve) => input.once('line', resolve));
  console.log(JSON.stringify(message));
  return answer;
}

// Opens the page as one person and joins with an invitation token (or a password).
export async function join(browser, name, { token, role, secret, phone = false, room = 'static', expectError = null } = {}) {
  const context = await browser.newContext(phone
    ? { viewport: { width: 390, height: 844 }, userAgent: PHONE_UA, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
    : { viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  const person = new Person(name, page, []);
  person.watch(page, name);
  await page.addInitScript(pageInit);
  page.on('request', (request) => {
    const body = request.method() === 'POST' && request.postData();
    if (body && body.includes('"heartbeat"')) person.heartbeats.push(JSON.parse(body).body);
  });
  await page.goto(`${config.url}&room=${room}`);
  await person.waitFor(() => !document.getElementById('join-button').disabled, null, 15000);
  await page.fill('input[name=display]', name);
  if (token) {
    await page.check('input[name=proof][value=token]');
    await page.fill('textarea[name=token]', token);
  } else {
    await page.selectOption('select[name=role]', role);
    await page.fill('input[name=secret]', secret);
  }
  await page.click('#join-button');
  if (expectError) {
    await person.waitFor(() => document.getElementById('join-error').textContent !== '', null, 15000);
    return person;
  }
  await person.waitFor(() => !document.getElementById('room-screen').hidden, null, 15000);
  return person;
}

// Runs a story and prints one JSON line: what it observed, or the error, plus console errors.
export async function story(run, extraArgs = []) {
  const browser = await launch(extraArgs);
  const result = { errors: [] };
  const people = [];
  try {
    await run(browser, result, people);
  } catch (error) {
    result.failure = String(error && error.stack || error);
  } finally {
    for (const person of people) result.errors.push(...person.errors);
    await browser.close();
    input?.close();
    console.log(JSON.stringify(result));
  }
}
