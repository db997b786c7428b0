// Story: breakout rooms (R8). A host (Hana) and two attendees (Ada, Ben) in the main room. Hana
// opens a breakout from the Breakouts panel and moves Ada and Ben into it (a select and a Move
// button per person); each is told "You were moved to …" and their page joins the breakout by
// itself: its title and a "Breakout room" badge in the header, the two of them in its people
// list. Hana sees the count; she closes the breakout and both pages are back in the main room,
// Hana among their people again.
import { config, join, story } from './lib/room_fixture.mjs';

const t = config.tokens;
const names = (person) => person.page.evaluate(() =>
  [...document.querySelectorAll('#participants li .name')].map((e) => e.firstChild.textContent).sort());

await story(async (browser, result, people) => {
  const hana = await join(browser, 'Hana', { token: t.Hana });
  const ada = await join(browser, 'Ada', { token: t.Ada });
  const ben = await join(browser, 'Ben', { token: t.Ben, phone: true });
  people.push(hana, ada, ben);
  await hana.waitFor(() => document.querySelectorAll('#participants li').length === 3);

  // Attendees have no Breakouts panel.
  result.attendee_tab = await ada.visible('#tab-breakouts');
  result.main_title = await ada.page.textContent('#room-title');

  await hana.click('#tab-breakouts');
  await hana.page.fill('#breakout-form input[name=title]', 'Group A');
  await hana.click('#breakout-form button');
  await hana.waitText('#breakouts li', 'Group A');
  for (const name of ['Ada', 'Ben']) {
    await hana.waitFor((n) => !!document.querySelector(`#breakout-people li[data-name="${n}"] button:not([disabled])`), name);
    await hana.click(`#breakout-people li[data-name="${name}"] button:has-text("Move")`);
  }

  for (const person of [ada, ben]) {
    await person.waitText('#room-title', 'Group A');
    await person.waitFor(() => document.querySelectorAll('#participants li').length === 2);
  }
  result.ada_breakout_title = await ada.page.textContent('#room-title');
  result.ada_breakout_badge = await ada.visible('#room-kind');
  result.ada_breakout_people = await names(ada);
  result.ada_url_room = new URL(ada.page.url()).searchParams.get('room');
  await hana.waitText('#breakouts li', '2 people');
  result.hana_count = await hana.page.textContent('#breakouts li');
  result.hana_people_in_main = await names(hana);
  if (config.shots) await ada.shot(`${config.shots}/room-breakout-attendee.png`);
  if (config.shots) await hana.shot(`${config.shots}/room-breakout-host.png`);

  await hana.click('#breakouts li:has-text("Group A") button:has-text("Close")');
  for (const person of [ada, ben]) {
    await person.waitText('#room-title', 'Static room');
    await person.waitFor(() => document.querySelectorAll('#participants li').length === 3);
  }
  result.ada_back_title = await ada.page.textContent('#room-title');
  result.ada_back_badge = await ada.visible('#room-kind');
  result.ada_back_people = await names(ada);
  await hana.waitFor(() => document.querySelectorAll('#breakouts li').length === 0);
  result.hana_breakouts_after = await hana.page.textContent('#no-breakouts');
  result.ada_toasts = await ada.toasts();
  result.ben_toasts = await ben.toasts();
  result.ada_ended = await ada.visible('#end-screen');
});
