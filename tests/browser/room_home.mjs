// A room on another node of the cluster (issue 15): the page, pointed at a node that is not the
// room's home, follows the 468 answer to the home's URL and joins there, the person doing nothing
// more than joining; the page's ?janus= then names the home, so a reload goes straight there.
//   config: {..., "room": a room homed on another node than the page's ?janus=, "tokens": {"Olga": ...}}
import { config, join, story } from './lib/room_fixture.mjs';

await story(async (browser, result, people) => {
  const olga = await join(browser, 'Olga', { token: config.tokens.Olga, room: config.room });
  people.push(olga);
  result.janus = await olga.page.evaluate(() => new URLSearchParams(location.search).get('janus'));
  result.people = await olga.page.evaluate(() => document.querySelectorAll('.person').length);
  result.toasts = await olga.page.evaluate(() => window.__toasts);
});
