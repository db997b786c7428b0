// Story: a host (desktop) and two attendees, Ada (desktop) and Ben (phone). Wrong passwords and
// rooms are refused with a clear message. Chat with a reply, a like, a report the host works
// through the moderation queue, a delete; a poll and a Q&A round trip; a raised hand the host
// lowers; reactions, and the rate limit explained; Ben brought on stage (camera and
// presentation play for the others) and taken off (his tiles disappear for everyone); Ada
// removed (and told when she may rejoin); the host ends the session for everyone.
import { config, join, story } from './lib/room_fixture.mjs';

const t = config.tokens;
const inList = (name, label) => `#participants li[data-name="${name}"] button:has-text("${label}")`;
const tilesOf = (person, feed) => person.page.evaluate((f) => document.querySelectorAll(`.tile[data-feed="${f}"]`).length, feed);

await story(async (browser, result, people) => {
  // Bad input first: a wrong password, a room that does not exist.
  const stranger = await join(browser, 'Stranger', { role: 'viewer', secret: 'not-the-password', expectError: true });
  people.push(stranger);
  result.wrong_secret = await stranger.page.textContent('#join-error');
  const lost = await join(browser, 'Lost', { role: 'viewer', secret: 'viewer-pass', room: 'nosuchroom', expectError: true });
  people.push(lost);
  result.no_room = await lost.page.textContent('#join-error');

  const hana = await join(browser, 'Hana', { token: t.Hana });
  const ada = await join(browser, 'Ada', { token: t.Ada });
  const ben = await join(browser, 'Ben', { token: t.Ben, phone: true });
  people.push(hana, ada, ben);
  const all = { Hana: hana, Ada: ada, Ben: ben };

  // ---- chat: message, reply, like, report → moderation, delete
  for (const p of Object.values(all)) await p.click('#tab-chat');
  await ada.page.fill('#chat-text', 'Hello everyone');
  await ada.page.press('#chat-text', 'Enter');
  await hana.waitText('#chat li', 'Hello everyone');
  await hana.click('#chat li:has-text("Hello everyone") button:has-text("Reply")');
  await hana.page.fill('#chat-text', 'Welcome Ada');
  await hana.click('#chat-form button.primary');
  await ben.waitText('#chat li', 'Welcome Ada');
  result.reply_quote_at_ben = await ben.page.textContent('#chat li:has-text("Welcome Ada") .quote');
  await ben.click('#chat li:has-text("Hello everyone") button.like');
  await ada.waitText('#chat li button.like', 'Like · 1');
  result.like_at_ada = await ada.page.textContent('#chat li:has-text("Hello everyone") button.like');
  await ben.page.fill('#chat-text', 'Buy cheap watches');
  await ben.page.press('#chat-text', 'Enter');
  await ada.waitText('#chat li', 'Buy cheap watches');
  await ada.click('#chat li:has-text("Buy cheap watches") button:has-text("Report")');
  await hana.waitText('#moderation-list li', 'Buy cheap watches');
  await hana.click('#moderation-list button:has-text("Review")');
  await hana.waitText('#moderation-list li', 'Being reviewed');
  await hana.click('#moderation-list button:has-text("Resolve")');
  await hana.waitText('#moderation-list li', 'Resolved');
  result.moderation_after = await hana.page.textContent('#moderation-list');
  await hana.click('#chat li:has-text("Buy cheap watches") button:has-text("Delete")');
  await ben.waitText('#chat li', 'Message deleted');
  result.deleted_for_ben = !(await ben.page.textContent('#chat')).includes('Buy cheap watches');

  // ---- poll: created by the host, answered by both, live results, closed
  for (const p of Object.values(all)) await p.click('#tab-polls');
  await hana.page.fill('#poll-form input[name=question]', 'Favourite colour?');
  await hana.page.fill('#poll-form textarea[name=options]', 'Red\nBlue\nGreen');
  await hana.click('#poll-form button');
  for (const p of [ada, ben]) {
    await p.waitText('#polls h3', 'Favourite colour?');
    await p.page.check('#polls label:has-text("Blue") input');
    await p.click('#polls button:has-text("Vote")');
    await p.waitText('#polls p', 'Your vote: Blue');
  }
  await hana.waitText('#polls .results', '2 votes');
  result.poll_host_results = await hana.page.textContent('#polls .results li:last-child');
  await hana.shot(`${config.shots}/room-host-poll.png`);
  await hana.click('#polls button:has-text("Close poll")');
  await ada.waitText('#polls .badge', 'Closed');
  result.poll_final_at_ada = await ada.page.textContent('#polls .results');

  // ---- Q&A
  for (const p of Object.values(all)) await p.click('#tab-qa');
  await ada.page.fill('#qa-form textarea', 'Will the slides be shared?');
  await ada.click('#qa-form button');
  await hana.waitText('#questions li', 'Will the slides be shared?');
  await hana.page.fill('#questions li input[name=text]', 'Yes, on Thursday');
  await hana.click('#questions li button:has-text("Answer")');
  await ada.waitText('#questions .answer', 'Yes, on Thursday');
  result.qa_answer_at_ada = await ada.page.textContent('#questions .answer');

  // ---- raised hand, lowered by the host
  for (const p of Object.values(all)) await p.click('#tab-people');
  await ada.click('#btn-hand');
  await hana.waitText('#participants li', 'Hand raised');
  result.hand_at_host = await hana.page.textContent('#participants li[data-name="Ada"]');
  await hana.click(inList('Ada', 'Lower hand'));
  await ada.waitFor(() => document.getElementById('btn-hand').textContent.includes('Raise hand'));
  result.hand_after_lowered = await ada.page.textContent('#btn-hand');

  // ---- reactions, then too many: the limit is explained and the buttons wait
  await ada.click('#btn-react');
  await ada.click('#reactions button[data-reaction=clap]');
  await hana.waitText('#reaction-layer .floating', 'Ada', 5000);
  result.reaction_seen_by_host = true;
  await ada.page.evaluate(async () => {
    for (let i = 0; i < 8; i += 1) {
      document.querySelector('#reactions button[data-reaction=heart]').click();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  await ada.waitFor(() => !document.getElementById('rate-note').hidden, null, 5000);
  result.rate_note = await ada.page.textContent('#rate-note');

  // ---- stage: Ben on stage with camera and presentation, then off
  const benId = await hana.page.getAttribute('#participants li[data-name="Ben"]', 'data-id');
  await hana.click(inList('Ben', 'Bring on stage'));
  await ben.waitFor(() => !document.getElementById('btn-camera').hidden);
  await ben.click('#btn-camera');
  await ben.waitFor(() => document.querySelector('#tile-me-webcam') !== null);
  await ben.click('#btn-present');
  for (const p of [hana, ada]) {
    await p.waitFor((f) => document.querySelectorAll(`.tile[data-feed="${f}"]`).length === 2, benId, 30000);
  }
  let atHost = [];
  for (let i = 0; i < 20 && atHost.length < 2; i += 1) atHost = await hana.playing(`.tile[data-feed="${benId}"]`);
  result.ben_on_stage_at_host = atHost;
  let atAda = [];
  for (let i = 0; i < 20 && atAda.length < 2; i += 1) atAda = await ada.playing(`.tile[data-feed="${benId}"]`);
  result.ben_on_stage_at_ada = atAda;
  await ben.page.waitForTimeout(1500);
  await ben.shot(`${config.shots}/room-viewer-phone.png`);
  await ada.shot(`${config.shots}/room-viewer-desktop-stage.png`);
  await hana.click(inList('Ben', 'Take off stage'));
  for (const p of [hana, ada]) await p.waitFor((f) => document.querySelectorAll(`.tile[data-feed="${f}"]`).length === 0, benId, 10000);
  await ben.waitFor(() => document.querySelectorAll('.tile[data-feed="me"]').length === 0, null, 10000);
  await hana.page.waitForTimeout(3000);  // nothing comes back (a late track event)
  result.ben_tiles_after_off = { Hana: await tilesOf(hana, benId), Ada: await tilesOf(ada, benId), Ben: await tilesOf(ben, 'me') };

  // ---- Ada removed: a clean end, and a clear refusal when she tries again
  await hana.click(inList('Ada', 'Remove'));
  await hana.confirm('Remove Ada?');
  await ada.waitFor(() => !document.getElementById('end-screen').hidden);
  result.ada_end = await ada.page.textContent('#end-title');
  await ada.page.goto(`${config.url}&room=static`);
  await ada.waitFor(() => !document.getElementById('join-button').disabled);
  await ada.page.fill('input[name=display]', 'Ada');
  await ada.page.check('input[name=proof][value=token]');
  await ada.page.fill('textarea[name=token]', t.Ada);
  await ada.click('#join-button');
  await ada.waitFor(() => document.getElementById('join-error').textContent !== '');
  result.ada_rejoin_error = await ada.page.textContent('#join-error');

  // ---- the host ends the session for everyone
  await hana.menu('#menu-close');
  await hana.confirm('End the session for everyone?');
  await ben.waitFor(() => !document.getElementById('end-screen').hidden);
  result.ben_end = await ben.page.textContent('#end-title');
  result.ben_end_text = await ben.page.textContent('#end-text');
  await ben.page.waitForTimeout(1000);
});
