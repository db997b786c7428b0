// What the dashboard's browser tests read off the page (web/dashboard/), shared by
// dashboard_page.mjs and story.mjs: sign-in, every figure of the loaded session (the Python
// side compares them with the `report` answers: test_dashboard.assert_page_shows_reports) and
// the downloads.
import { readFileSync, mkdirSync } from 'node:fs';

export async function signIn(page, credential) {
  await page.fill('#signin input[name=credential]', credential);
  await page.click('#signin button[type=submit]');
}

export const rows = (page, selector) => page.$$eval(`${selector} tbody tr`, (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent.trim())));

// Waits for a session to be loaded and reads every figure it shows.
export async function readDashboard(page) {
  await page.waitForSelector('body[data-loaded]', { timeout: 30000 });
  const seen = { session: await page.$eval('body', (b) => b.dataset.loaded) };
  seen.tiles = Object.fromEntries(await page.$$eval('#tiles .tile', (tiles) => tiles.map((t) => [t.dataset.key, t.querySelector('.value').textContent])));
  seen.timeline_rows = (await rows(page, '#timeline-table')).map((r) => [r[1], r[2]]);
  seen.timeline_points = await page.$eval('#timeline polyline.viewers', (p) => p.getAttribute('points').split(' ').length);
  seen.attendees = (await rows(page, '#attendees')).map((r) => [r[0], r[1], r[2]]);
  seen.heatmap = await page.$$eval('#heatmap .heat-row[data-user]', (lines) => lines.map((line) => [line.dataset.user,
    [...line.querySelectorAll('.cell')].map((c) => ({ E: 'E', N: 'N', O: '.' })[c.classList[1]]).join('')]));
  seen.stage_names = (await rows(page, '#stage')).map((r) => r[0]);
  seen.media_rows = await rows(page, '#media');
  seen.recording_plays = (await rows(page, '#recordings')).map((r) => r[4]);
  seen.live_countries = await page.$$eval('#geography .geo-list:first-child li', (items) => items.map((li) =>
    [li.querySelector('.bar-label').textContent, li.querySelector('.bar-value').textContent]));
  return seen;
}

// Clicks a download button and returns the file's bytes (saved under `folder`).
export async function download(page, button, folder) {
  mkdirSync(folder, { recursive: true });
  const [file] = await Promise.all([page.waitForEvent('download', { timeout: 90000 }), page.click(button)]);
  const path = `${folder}/${file.suggestedFilename()}`;
  await file.saveAs(path);
  return readFileSync(path);
}
