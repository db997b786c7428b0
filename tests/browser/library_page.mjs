// Drives the recordings library page (web/library/) in headless Chromium: alice signs in with
// her token, sees My Media and her notices (dismisses one), plays a recording past 5 s and seeks back to 2 s; makes a share link
// (copy button); someone without an account opens it and it plays; once the test has expired it
// (a line on stdin) the same link shows a clear refusal. dave, who has no access, opens alice's
// recording and reads a clear message, and sees an empty room folder; a host sees the whole
// folder. alice and the guest download an isolated track of the recording. alice renames a
// recording and deletes it (confirmation dialog). Screenshots at 1440
// and 390 px. Prints one JSON object per line: {"expire_links": true} when the test should
// expire the links, then the result. Zero console errors are expected.
//   node library_page.mjs '{"page": URL, "shots": DIR, "alice": TOKEN, "dave": TOKEN, "host": TOKEN}'
import { chromium } from 'playwright-core';
import fs from 'node:fs/promises';
import readline from 'node:readline';
import { playAndSeek, createShareLink, watchShared, problemShown } from './lib/library_checks.mjs';

const args = JSON.parse(process.argv[2]);
const result = { console_errors: [] };
const stdin = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => stdin.once('line', resolve));

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
});

async function open(name, url, width = 1440) {
  const context = await browser.newContext({ viewport: { width, height: width > 800 ? 900 : 844 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(url).origin });
  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') result.console_errors.push(`${name}: ${message.text()}`); });
  page.on('pageerror', (error) => result.console_errors.push(`${name}: ${error.message}`));
  await page.goto(url);
  return page;
}

// Clicks a track's Download button: the file's suggested name and size.
async function download(page, file) {
  const [saved] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('button', { name: `Download ${file}` }).click()]);
  return { name: saved.suggestedFilename(), bytes: (await fs.readFile(await saved.path())).length };
}

const withParam = (url, name, value) => { const u = new URL(url); u.searchParams.set(name, value); return u.toString(); };
const listText = (page) => page.locator('#list-panel').innerText();

try {
  // alice: My Media, play, seek.
  const alice = await open('alice', withParam(args.page, 'token', args.alice));
  await alice.waitForSelector('#recordings li');
  result.list = await listText(alice);
  result.token_left_in_address = alice.url().includes('token=');
  // Her finished recordings wait as notices until she dismisses them (one here, for good).
  await alice.waitForSelector('#notice-list li');
  result.notices = await alice.locator('#notices').innerText();
  await alice.screenshot({ path: `${args.shots}/library-list-1440.png`, fullPage: true });
  await alice.getByRole('button', { name: 'Dismiss the notice about Old planning' }).click();
  await alice.waitForFunction(() => !document.querySelector('#notices').innerText.includes('Old planning'));
  result.notices_after_dismiss = await alice.locator('#notices').innerText();
  await alice.getByRole('button', { name: 'Play Café weekly' }).click();
  Object.assign(result, await playAndSeek(alice));
  await alice.screenshot({ path: `${args.shots}/library-player-1440.png`, fullPage: true });
  // Its separate tracks: each downloads.
  result.tracks = await alice.locator('#tracks-panel').innerText();
  result.track_download = await download(alice, 'alice - webcam video.mkv');

  // Share by link, copy it.
  await alice.getByRole('button', { name: 'Share', exact: true }).click();
  await alice.fill('#share-users', 'erin');
  await alice.locator('#share-form button[type=submit]').click();
  await alice.waitForSelector('#shared-with li');
  result.share_url = await createShareLink(alice, '3600');
  await alice.getByRole('button', { name: 'Copy link' }).click();
  result.copied = await alice.evaluate(() => navigator.clipboard.readText());
  await alice.screenshot({ path: `${args.shots}/library-share-1440.png`, fullPage: true });

  // Someone else opens the link: it plays.
  const guest = await open('guest', result.share_url, 390);
  Object.assign(result, await watchShared(guest));
  await guest.screenshot({ path: `${args.shots}/library-shared-390.png`, fullPage: true });
  result.shared_track_download = await download(guest, 'manifest.json');

  // The test expires the link; opened again, it is refused with a clear message.
  console.log(JSON.stringify({ expire_links: true }));
  await nextLine();
  const late = await open('late guest', result.share_url, 390);
  result.expired_message = await problemShown(late);
  result.late_video_hidden = await late.evaluate(() => document.getElementById('viewer').hidden);

  // dave may not see alice's recording; his room folder is empty.
  const dave = await open('dave', withParam(withParam(args.page, 'token', args.dave), 'recording', 'rec-page'), 390);
  result.refused_message = await problemShown(dave);
  await dave.screenshot({ path: `${args.shots}/library-refused-390.png`, fullPage: true });
  await dave.getByRole('tab', { name: 'Room recordings' }).click();
  await dave.waitForFunction(() => document.getElementById('list-title').textContent === 'Recordings of room r1');
  result.dave_room_list = await listText(dave);

  // A host sees the whole room folder.
  const host = await open('host', withParam(args.page, 'token', args.host));
  await host.waitForSelector('#recordings li');
  result.host_room_list = await listText(host);
  await host.screenshot({ path: `${args.shots}/library-host-1440.png`, fullPage: true });

  // alice renames and deletes the old recording; at 390 px.
  const phone = await open('alice phone', withParam(args.page, 'token', args.alice), 390);
  await phone.waitForSelector('#recordings li');
  await phone.screenshot({ path: `${args.shots}/library-list-390.png`, fullPage: true });
  await phone.getByRole('button', { name: 'Play Old planning' }).click();
  await phone.getByRole('button', { name: 'Rename' }).click();
  await phone.fill('#rename-input', 'Planning (final)');
  await phone.getByRole('button', { name: 'Save title' }).click();
  await phone.waitForFunction(() => document.getElementById('viewer-title').textContent === 'Planning (final)');
  result.renamed_title = await phone.locator('#viewer-title').innerText();
  await phone.screenshot({ path: `${args.shots}/library-player-390.png`, fullPage: true });
  await phone.getByRole('button', { name: 'Delete' }).click();
  result.delete_confirm_shown = await phone.evaluate(() => document.getElementById('confirm-delete').open);
  await phone.screenshot({ path: `${args.shots}/library-delete-390.png` });
  await phone.getByRole('button', { name: 'Delete recording' }).click();
  await phone.waitForSelector('#notice:not([hidden])');
  await phone.waitForFunction(() => !document.getElementById('list-panel').innerText.includes('Planning (final)'));
  result.list_after_delete = await listText(phone);
} catch (error) {
  result.error = String(error.stack || error);
}
await browser.close();
stdin.close();
console.log(JSON.stringify(result));
