// Drives the demo page in two headless Chromium pages: a host publishes webcam + stage, a viewer
// sees both videos play, the host records (the viewer sees the banner), the viewer is refused
// when publishing, and is kicked by the host.
// Prints one JSON object with what it observed; the Python test asserts on it.
//   node demo_room.mjs PAGE_URL SCREENSHOT_DIR
import { chromium } from 'playwright-core';

const [pageUrl, shots] = process.argv.slice(2);
const result = {};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
    '--disable-features=WebRtcHideLocalIpsWithMdns'],
});

async function joinAs(role, secret, user) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => { (result.page_errors ||= []).push(`${user}: ${error.message}`); });
  await page.goto(pageUrl);
  await page.waitForFunction(() => document.getElementById('status').textContent === 'connected', null, { timeout: 15000 });
  await page.fill('input[name=room]', 'static');
  await page.selectOption('select[name=role]', role);
  await page.fill('input[name=secret]', secret);
  await page.fill('input[name=display]', user.toUpperCase());
  await page.click('#join button[type=submit]');
  await page.waitForFunction(() => document.getElementById('status').textContent.startsWith('in room'), null, { timeout: 15000 });
  return page;
}

// Videos of remote streams that are actually playing (dimensions known, time advancing).
async function playingRemoteVideos(page) {
  return page.evaluate(async () => {
    const videos = [...document.querySelectorAll('#videos figure[id^=remote-] video')];
    const before = videos.map((v) => v.currentTime);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return videos.filter((v, i) => v.videoWidth > 0 && v.currentTime > before[i])
      .map((v) => ({ width: v.videoWidth, height: v.videoHeight }));
  });
}

try {
  const host = await joinAs('host', 'host-pass', 'h1');
  await host.click('#publish');
  await host.waitForFunction(() => document.getElementById('log').textContent.includes('publishing 3 stream(s)'), null, { timeout: 20000 });
  result.host_published = true;

  const viewer = await joinAs('viewer', 'viewer-pass', 'v1');
  result.viewer_sees_host = await viewer.evaluate(() => document.getElementById('participants').textContent);
  const deadline = Date.now() + 30000;
  let playing = [];
  while (Date.now() < deadline && playing.length < 2) playing = await playingRemoteVideos(viewer);
  result.viewer_playing = playing;
  await viewer.screenshot({ path: `${shots}/viewer.png`, fullPage: true });

  // Recording: the host starts it, everyone sees the banner, only the host has the control.
  await host.click('#record');
  const banner = (text) => document.getElementById('recording-banner').textContent.includes(text);
  await viewer.waitForFunction(banner, 'This session is being recorded', { timeout: 15000 });
  result.viewer_banner = await viewer.evaluate(() => document.getElementById('recording-banner').textContent);
  result.viewer_record_button_hidden = await viewer.evaluate(() => document.getElementById('record').hidden);
  await host.waitForTimeout(2500);
  result.host_banner = await host.evaluate(() => document.getElementById('recording-banner').textContent);
  await host.click('#record');
  await host.waitForFunction(() => document.getElementById('log').textContent.includes('recording stored:'), null,
    { timeout: 30000 });
  result.host_stored = await host.evaluate(() => [...document.querySelectorAll('#log div')]
    .find((e) => e.textContent.includes('recording stored:')).textContent);
  result.viewer_after_stop = await viewer.evaluate(() => document.getElementById('recording-banner').textContent);

  // Room signals: the viewer claps and chats, the host sees both; the host likes the message.
  await viewer.click('#reactions button[data-reaction=clap]');
  await host.waitForFunction(() => document.getElementById('log').textContent.includes('V1 reacted 👏'), null,
    { timeout: 15000 });
  result.host_saw_reaction = true;
  await viewer.fill('#chat-text', 'hello from the viewer');
  await viewer.click('#chat-form button');
  await host.waitForFunction(() => document.getElementById('chat').textContent.includes('V1: hello from the viewer'), null,
    { timeout: 15000 });
  result.host_chat = await host.evaluate(() => document.getElementById('chat').textContent);
  await host.click('#chat li button');
  await viewer.waitForFunction(() => document.getElementById('log').textContent.includes('has 1 like(s)'), null,
    { timeout: 15000 });
  result.viewer_saw_like = true;

  await viewer.click('#publish');
  // The refusal arrives as an asynchronous error event, shown in red in the log.
  await viewer.waitForFunction(() => [...document.querySelectorAll('#log .error')].some((e) => e.textContent.includes('448')),
    null, { timeout: 15000 });
  result.viewer_publish_refused = await viewer.evaluate(() => document.querySelector('#log .error').textContent);

  await host.click('#participants li button'); // kick the first (only) other participant
  await viewer.waitForFunction(() => document.getElementById('status').textContent === 'kicked', null, { timeout: 15000 });
  result.viewer_kicked = true;
  await host.screenshot({ path: `${shots}/host.png`, fullPage: true });
} catch (error) {
  result.error = String(error);
} finally {
  await browser.close();
  console.log(JSON.stringify(result));
}
