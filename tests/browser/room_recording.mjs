// Story: a desktop host, a desktop moderator, an attendee and a host on a phone are in a room.
// The host starts her camera, cancels "Record" once, then records (confirm dialog); everyone
// sees the notifications in order and the indicator; only the desktop host and moderator see
// the counter and the square stop icon; the phone host has no recording controls. The
// moderator stops (confirm); the attendee hears it completed, the leads that the upload
// started and then that the file is available, with a link. The moderator's network drops and
// comes back: the page says so and rejoins by itself. The attendee leaves cleanly.
import { config, join, story } from './lib/room_fixture.mjs';

const t = config.tokens;

await story(async (browser, result, people) => {
  const hana = await join(browser, 'Hana', { token: t.Hana });
  const moritz = await join(browser, 'Moritz', { token: t.Moritz });
  const vera = await join(browser, 'Vera', { token: t.Vera });
  const pia = await join(browser, 'Pia', { token: t.Pia, phone: true });
  const everyone = { Hana: hana, Moritz: moritz, Vera: vera, Pia: pia };
  people.push(...Object.values(everyone));

  await hana.click('#btn-camera');
  await vera.waitFor(() => document.querySelectorAll('.tile[data-source=webcam]').length >= 1);
  let playing = [];
  for (let i = 0; i < 20 && !playing.some((c) => c.includes('Hana')); i += 1) playing = await vera.playing();
  result.vera_playing = playing;

  // The phone host: no Record in the menu, and the join page said why.
  await pia.click('#btn-more');
  result.mobile_menu_record = await pia.visible('#menu-record');
  await pia.page.keyboard.press('Escape');
  result.mobile_note = await pia.page.textContent('#client-kind');

  // Cancel first: nothing starts.
  await hana.menu('#menu-record');
  await hana.page.waitForSelector('dialog#confirm[open]');
  await hana.click('#confirm-cancel');
  await hana.page.waitForTimeout(1500);
  result.started_after_cancel = await hana.visible('#rec-indicator');

  await hana.menu('#menu-record');
  await hana.confirm('Start recording?');
  for (const person of Object.values(everyone)) {
    await person.waitFor(() => (window.__toasts || []).includes('This session is being recorded'));
  }
  await hana.waitFor(() => /^0:0[2-9]$/.test(document.getElementById('rec-elapsed').textContent), null, 15000);
  result.host_elapsed = await hana.page.textContent('#rec-elapsed');
  result.indicator = {}; result.counter = {}; result.stop_icon = {};
  for (const [name, person] of Object.entries(everyone)) {
    result.indicator[name] = await person.visible('#rec-indicator');
    result.counter[name] = await person.visible('#rec-elapsed');
    result.stop_icon[name] = await person.visible('#rec-stop');
  }
  await hana.page.waitForTimeout(1500);
  await hana.click('#btn-present');
  await vera.waitFor(() => document.querySelectorAll('#stage .tile').length === 1);
  await vera.page.waitForTimeout(2500);
  await hana.shot(`${config.shots}/room-host-desktop.png`);
  await vera.shot(`${config.shots}/room-viewer-desktop.png`);
  await pia.shot(`${config.shots}/room-host-phone.png`);
  await hana.page.waitForTimeout(2000);

  // The moderator stops with the square icon.
  await moritz.click('#rec-stop');
  await moritz.confirm('Stop recording?');
  await vera.waitFor(() => window.__toasts.includes('The recording has completed'));
  for (const person of [hana, moritz]) {
    await person.waitFor(() => window.__toasts.includes('Your recording file is available'), null, 60000);
  }
  result.available_link = await hana.page.getAttribute('.toast.recording a', 'href');
  result.available_text = await hana.page.textContent('.toast.recording a');
  await vera.page.waitForTimeout(1000);
  result.indicator_after = await vera.visible('#rec-indicator');
  result.toasts = {};
  for (const [name, person] of Object.entries(everyone)) result.toasts[name] = await person.toasts();
  result.hana_heartbeats = hana.heartbeats;
  result.vera_heartbeats = vera.heartbeats;

  // The moderator's network drops: the page says so, then gets back in by itself.
  await moritz.setOffline(true);
  await moritz.waitText('#net-state', 'Disconnected', 60000);
  result.disconnected_text = await moritz.page.textContent('#net-state');
  await moritz.setOffline(false);
  await moritz.waitFor(() => document.getElementById('net-state').textContent === ''
    && !document.getElementById('room-screen').hidden, null, 60000);
  await hana.waitFor(() => [...document.querySelectorAll('#participants li')].filter((li) => li.dataset.name === 'Moritz').length === 1);
  result.moritz_back = await hana.page.evaluate(() => document.querySelectorAll('#participants li').length);

  await vera.click('#btn-leave');
  await vera.waitFor(() => !document.getElementById('end-screen').hidden);
  result.vera_left = await vera.page.textContent('#end-title');
  await vera.page.waitForTimeout(1000);
});
