// The analytics dashboard in headless Chromium: a host opens the room's latest session and the
// page's figures are read back (tiles, chart table, attendees, heatmap, stage, media,
// recordings, countries); search (>= 3 letters) and hover details; the CSV and the PDF
// downloads; a viewer and a bad token are refused with a message. Screenshots at 1440 and 390 px.
// Prints one JSON object with what it saw; tests/integration/test_dashboard.py compares it
// with the reports API's answers.
//   node dashboard_page.mjs '{"url", "shots", "host_token", "viewer_token", "downloads"}'
import { chromium } from 'playwright-core';
import { signIn, rows, readDashboard, download as save } from './lib/dashboard_checks.mjs';

const config = JSON.parse(process.argv[2]);
const seen = { console_errors: [] };
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});

async function openPage(width, height) {
  const context = await browser.newContext({ viewport: { width, height }, locale: 'en-US', acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (message) => { if (message.type() === 'error') seen.console_errors.push(message.text()); });
  page.on('pageerror', (error) => seen.console_errors.push(`page error: ${error.message}`));
  await page.goto(config.url);
  return page;
}

const download = (page, button) => save(page, button, config.downloads);

try {
  const page = await openPage(1440, 900);
  await signIn(page, config.host_token);
  Object.assign(seen, await readDashboard(page));

  // Hover details of the first attendee (and the same on keyboard focus).
  await page.hover('#attendees tbody tr:first-child button');
  seen.hover_details = await page.$eval('#tip', (tip) => (tip.hidden ? '' : tip.textContent));
  await page.mouse.move(0, 0);
  await page.focus('#attendees tbody tr:first-child button');
  seen.focus_details_shown = await page.$eval('#tip', (tip) => !tip.hidden);
  await page.screenshot({ path: `${config.shots}/dashboard-1440.png`, fullPage: true });

  // Search: two letters ask for more, three letters search.
  await page.fill('#search', 'nu');
  await page.waitForFunction(() => document.getElementById('search-hint').textContent.includes('3 letters'));
  seen.short_search_hint = await page.$eval('#search-hint', (n) => n.textContent);
  await page.fill('#search', 'nunez');
  await page.waitForFunction(() => document.getElementById('search-hint').textContent.includes('found'), null, { timeout: 15000 });
  seen.search_names = (await rows(page, '#attendees')).map((r) => r[0]);
  await page.fill('#search', '');

  // The custom CSV report (descriptive headers, a BOM, a custom range) and the PDF summary.
  await page.selectOption('#custom select[name=report]', 'attendees_data');
  await page.selectOption('#custom select[name=range]', 'custom');
  await page.fill('#custom input[name=fromDate]', '2026-11-01');
  await page.fill('#custom input[name=toDate]', '2026-11-03');
  await page.check('#custom input[name=bom]');
  seen.csv = (await download(page, '#custom button[type=submit]')).toString('utf8');
  seen.csv_notice = await page.$eval('#notice', (n) => n.textContent);
  seen.pdf_magic = (await download(page, '#pdf')).subarray(0, 8).toString('latin1');

  // Export via email on a node without SMTP: a clear message, not a silent failure.
  await page.fill('#custom input[name=email]', 'hana@example.com');
  await page.click('#email-export');
  await page.waitForSelector('#problem:not([hidden])', { timeout: 15000 });
  seen.email_problem = await page.$eval('#problem', (n) => n.textContent);

  // The older session from the picker.
  await page.selectOption('#session', 's0');
  await page.waitForSelector('body[data-loaded=s0]', { timeout: 30000 });
  seen.s0_live_viewers = await page.$eval('#tiles .tile[data-key=live_unique_viewers] .value', (n) => n.textContent);
  seen.s0_heatmap_users = await page.$$eval('#heatmap .heat-row[data-user]', (lines) => lines.map((l) => l.dataset.user));
  await page.context().close();

  // A phone-width look at the same session.
  const phone = await openPage(390, 844);
  await signIn(phone, config.host_token);
  await phone.waitForSelector('body[data-loaded]', { timeout: 30000 });
  seen.phone_overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await phone.screenshot({ path: `${config.shots}/dashboard-390.png`, fullPage: true });
  await phone.context().close();

  // A viewer of the room, and a token that is not valid: a clear message, no dashboard.
  const viewer = await openPage(1440, 900);
  await signIn(viewer, config.viewer_token);
  await viewer.waitForSelector('#problem:not([hidden])', { timeout: 15000 });
  seen.viewer_problem = await viewer.$eval('#problem', (n) => n.textContent);
  seen.viewer_sees_main = await viewer.$eval('#main', (n) => !n.hidden);
  await viewer.screenshot({ path: `${config.shots}/dashboard-refused.png` });
  await signIn(viewer, 'not-a-token');
  await viewer.waitForFunction(() => document.getElementById('problem').textContent.includes('not valid'), null, { timeout: 15000 });
  seen.bad_token_problem = await viewer.$eval('#problem', (n) => n.textContent);
  await viewer.context().close();
} catch (error) {
  seen.error = String(error.stack || error);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
