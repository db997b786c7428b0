// A/V sync as a real publisher makes it: a desktop host whose fake camera and microphone play
// flash + beep files (tests/integration/av_sync.py) turns her camera on, records for a while
// and stops; the Python test reads the stored file.
//   config: {..., "video": y4m path, "audio": wav path, "seconds": recording length}
import { config, join, story } from './lib/room_fixture.mjs';

await story(async (browser, result, people) => {
  const hana = await join(browser, 'Hana', { token: config.tokens.Hana });
  people.push(hana);
  await hana.click('#btn-camera');
  await hana.waitText('#btn-camera', 'Stop camera');
  // Publishing for a moment already, as a speaker is when someone presses Record.
  await hana.page.waitForTimeout(3000);
  await hana.menu('#menu-record');
  await hana.confirm('Start recording?');
  await hana.waitFor(() => (window.__toasts || []).includes('This session is being recorded'));
  await hana.page.waitForTimeout(config.seconds * 1000);
  await hana.click('#rec-stop');
  await hana.confirm('Stop recording?');
  await hana.waitFor(() => window.__toasts.includes('Your recording file is available'), null, 60000);
  result.available_text = await hana.page.textContent('.toast.recording a');
}, [`--use-file-for-fake-video-capture=${config.video}`, `--use-file-for-fake-audio-capture=${config.audio}`]);
