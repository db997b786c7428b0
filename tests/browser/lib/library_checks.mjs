// What the recordings library's browser tests check on the page (web/library/), shared by
// library_page.mjs and story.mjs: playing past a point, seeking, making a share link and
// watching what it opens.

// Plays (muted) until currentTime passes `seconds`; returns where it got to.
export async function playPast(page, seconds) {
  await page.waitForFunction(() => document.getElementById('player').readyState >= 1, null, { timeout: 15000 });
  await page.evaluate(() => { const v = document.getElementById('player'); v.muted = true; return v.play(); });
  await page.waitForFunction((s) => document.getElementById('player').currentTime > s, seconds, { timeout: 30000 });
  return page.evaluate(() => document.getElementById('player').currentTime);
}

// Plays past `seconds`, seeks back to 2 s and plays on: {played_to, seeked_to, played_after_seek}.
export async function playAndSeek(page, seconds = 5.5) {
  const seen = { played_to: await playPast(page, seconds) };
  await page.evaluate(() => { document.getElementById('player').currentTime = 2; });
  await page.waitForFunction(() => { const v = document.getElementById('player'); return !v.seeking && v.currentTime < 4; }, null, { timeout: 15000 });
  seen.seeked_to = await page.evaluate(() => document.getElementById('player').currentTime);
  await page.waitForFunction((t) => document.getElementById('player').currentTime > t + 1, seen.seeked_to, { timeout: 15000 });
  seen.played_after_seek = await page.evaluate(() => document.getElementById('player').currentTime);
  await page.evaluate(() => document.getElementById('player').pause());
  return seen;
}

// Opens the Share panel (if closed) and makes a link that works for `seconds` (a #link-days
// option); returns its address as the page shows it.
export async function createShareLink(page, seconds = '3600') {
  if (await page.locator('#share-panel').isHidden()) await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.selectOption('#link-days', seconds);
  await page.getByRole('button', { name: 'Create link' }).click();
  await page.waitForSelector('#new-link:not([hidden])');
  return page.inputValue('#new-link-url');
}

// A page opened on a share link: it plays past `seconds`; may the visitor manage it?
export async function watchShared(page, seconds = 1.5) {
  const seen = { shared_played_to: await playPast(page, seconds) };
  seen.guest_sees_manage = await page.evaluate(() => !document.getElementById('delete-open').hidden);
  await page.evaluate(() => document.getElementById('player').pause());
  return seen;
}

// The refusal a page shows (#problem), once it shows one.
export async function problemShown(page) {
  await page.waitForSelector('#problem:not([hidden])', { timeout: 15000 });
  return page.locator('#problem').innerText();
}

