// The whole story (issue 13 "Must show"), as people live it: a desktop host, a moderator and two
// attendees (one on a phone) join the room page, and a second host with the room's password; the host records from the More menu (confirm),
// about 8 s later stops (confirm); the attendees read "The recording has completed", the host
// "Your recording file is available" and follows its link: the library opens in a new tab
// already signed in, on that recording, which plays past 5 s and seeks. The host makes a share
// link; someone else (another browser context, no account) opens it and it plays; the host
// revokes it and the same link is refused. The password host's notice opens the library as a
// host of the room (plays, may not share, rename or delete). The host ends the session; once the test has rolled
// the telemetry up, the host opens the dashboard for that session and its figures, the CSV and
// the PDF are read back (tests/integration/test_story.py compares them with the `report` API).
// Every page of every person counts its console errors.
//   node story.mjs '{"url", "dashboard", "shots", "downloads", "host_secret", "tokens": {name: token}}'
import { config, join, story, askTest } from './lib/room_fixture.mjs';
import { playPast, playAndSeek, createShareLink, watchShared, problemShown } from './lib/library_checks.mjs';
import { signIn, readDashboard, download } from './lib/dashboard_checks.mjs';

const t = config.tokens;

// Clicks the "Your recording file is available" link: the library opens in a new tab, on the
// recording. Notes the link, the address the library kept and who it says is signed in.
async function followAvailableLink(person, result, key) {
  const link = person.page.locator('.toast.recording a');
  result[`${key}_link`] = await link.getAttribute('href');
  const [page] = await Promise.all([person.page.context().waitForEvent('page'), link.click()]);
  person.watch(page, `${person.name} library`);
  await page.waitForSelector('#viewer:not([hidden])', { timeout: 20000 });
  result[`${key}_address`] = page.url();
  result[`${key}_who`] = await page.locator('#who').innerText();
  return page;
}

await story(async (browser, result, people) => {
  const hana = await join(browser, 'Hana', { token: t.Hana });
  const moritz = await join(browser, 'Moritz', { token: t.Moritz });
  const vera = await join(browser, 'Vera', { token: t.Vera });
  const pia = await join(browser, 'Pia', { token: t.Pia, phone: true });
  // A second host who joined with the room's host password (no token).
  const hugo = await join(browser, 'Hugo', { role: 'host', secret: config.host_secret });
  people.push(hana, moritz, vera, pia, hugo);

  // The host's camera is what the recording holds.
  await hana.click('#btn-camera');
  await vera.waitFor(() => document.querySelectorAll('.tile[data-source=webcam]').length >= 1);

  await hana.menu('#menu-record');
  await hana.confirm('Start recording?');
  for (const person of people) await person.waitFor(() => (window.__toasts || []).includes('This session is being recorded'));
  await hana.page.waitForTimeout(8000);
  await hana.menu('#menu-stop-record');
  await hana.confirm('Stop recording?');
  for (const person of [vera, pia]) await person.waitFor(() => window.__toasts.includes('The recording has completed'), null, 30000);
  for (const person of [hana, hugo]) await person.waitFor(() => window.__toasts.includes('Your recording file is available'), null, 60000);
  result.toasts = {};
  for (const person of people) result.toasts[person.name] = await person.toasts();

  // The link opens the library in a new tab, signed in as the host, on the recording; the
  // password host follows the same notice (it stays until dismissed).
  const library = await followAvailableLink(hana, result, 'library');
  const hugoLibrary = await followAvailableLink(hugo, result, 'hugo');
  result.library_title = await library.locator('#viewer-title').innerText();
  Object.assign(result, await playAndSeek(library));
  result.duration = await library.evaluate(() => document.getElementById('player').duration);
  await library.screenshot({ path: `${config.shots}/story-library-player-1440.png`, fullPage: true });
  result.share_url = await createShareLink(library, '3600');
  await library.screenshot({ path: `${config.shots}/story-library-share-1440.png`, fullPage: true });

  // Someone else, in their own browser, opens the share link: it plays.
  const guestContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const guest = await guestContext.newPage();
  hana.watch(guest, 'Guest');
  await guest.goto(result.share_url);
  Object.assign(result, await watchShared(guest));

  // The host revokes it; the same link is then refused.
  await library.locator('#links button', { hasText: 'Revoke' }).first().click();
  await library.waitForFunction(() => document.getElementById('notice').textContent.includes('revoked'));
  await guest.goto(result.share_url);
  result.revoked_message = await problemShown(guest);
  await guestContext.close();
  await library.close();

  // The host who joined with the password: the library signed in as a host of this room plays
  // the recording and offers nothing only its owner may do.
  result.hugo_played_to = await playPast(hugoLibrary, 1.5);
  result.hugo_may = await hugoLibrary.evaluate(() => ['share-open', 'rename-open', 'delete-open']
    .filter((id) => !document.getElementById(id).hidden));
  await hugoLibrary.close();

  // A second recording runs when the host ends the session: nobody is left to hear that it is
  // available, so the end screen points hosts and moderators to the library.
  await hana.menu('#menu-record');
  await hana.confirm('Start recording?');
  await hana.waitFor(() => document.getElementById('rec-label').textContent === 'Recording' &&
    !document.getElementById('rec-indicator').hidden, null, 20000);
  await hana.page.waitForTimeout(2000);
  // The host ends the session; the test rolls the telemetry up; the dashboard shows it.
  await hana.menu('#menu-close');
  await hana.confirm('End the session for everyone?');
  for (const person of people) await person.waitFor(() => !document.getElementById('end-screen').hidden, null, 20000);
  result.end_recording = {};
  for (const person of people) {
    result.end_recording[person.name] = await person.page.evaluate(() => {
      const note = document.getElementById('end-recording');
      return note.hidden ? null : { text: note.innerText, href: document.getElementById('end-recording-link').href };
    });
  }
  await hana.page.screenshot({ path: `${config.shots}/story-end-recording-stored-1440.png` });
  await askTest({ rollup: true });
  const dashboard = await hana.page.context().newPage();
  hana.watch(dashboard, 'Hana dashboard');
  await dashboard.setViewportSize({ width: 1440, height: 900 });
  await dashboard.goto(config.dashboard);
  await signIn(dashboard, t.Hana);
  result.dashboard = await readDashboard(dashboard);
  await dashboard.screenshot({ path: `${config.shots}/story-dashboard-1440.png`, fullPage: true });
  result.csv = (await download(dashboard, '#custom button[type=submit]', config.downloads)).toString('utf8');
  result.pdf_magic = (await download(dashboard, '#pdf', config.downloads)).subarray(0, 8).toString('latin1');
});
