// Recording as people see it (C1-C4): Record / Stop recording in the More menu and the square
// stop icon, each behind a confirmation; the timed notifications in order; the indicator
// bottom-left for everyone, with the elapsed counter and stop icon for hosts and moderators on
// a desktop client only (a mobile client has no recording controls at all).
import { $, notify, confirmAction, elapsed } from './ui.js';
import { room, on, act, isLead } from './state.js';

const RUNNING = ['starting', 'started', 'recording'];
const NOTICE = {
  starting: 'Recording will start momentarily, please wait',
  started: 'This session is being recorded',
  stopped: 'Recording ended, starting upload',
  completed: 'The recording has completed',
};

let rec = { state: 'idle' };
let ticker = null;

export const canControl = () => isLead() && room.client !== 'mobile' && !room.ended;

// The library opens the recording signed in as the person who joined here: their token, or the
// room and its host secret when they joined with the host password. The credential travels in
// the URL fragment, never the query: a fragment is not sent to any server (no access log holds
// it) and the library drops it from the address bar at once. Not sessionStorage: the link opens
// a new tab without an opener (rel=noopener), which starts with an empty sessionStorage.
function libraryLink(message) {
  const file = (message.location || '').split('/').pop();
  const query = new URLSearchParams({ room: room.me.room });
  if (message.recording) query.set('recording', message.recording);
  const janus = new URLSearchParams(location.search).get('janus'); // the same Janus as this page
  if (janus) query.set('janus', janus);
  const proof = room.proof || {};
  const credential = proof.token ? new URLSearchParams({ token: proof.token })
    : proof.role === 'host' ? new URLSearchParams({ room: room.me.room, secret: proof.secret }) : null;
  return { href: `../library/?${query}${credential ? `#${credential}` : ''}`, text: file ? `Open “${file}”` : 'Open the recording' };
}

function render() {
  const running = RUNNING.includes(rec.state);
  const control = canControl();
  $('rec-indicator').hidden = !running || room.ended;
  $('rec-label').textContent = rec.state === 'starting' ? 'Recording starts…' : 'Recording';
  const counting = control && running && rec.started_at;
  $('rec-elapsed').hidden = !counting;
  if (counting) $('rec-elapsed').textContent = elapsed(Date.now() - rec.started_at);
  $('rec-stop').hidden = !control || !running;
  $('menu-record').hidden = !control || running;
  $('menu-record').disabled = rec.state === 'stopped';
  $('menu-record').textContent = rec.state === 'stopped' ? 'Record (storing the last recording…)' : 'Record';
  $('menu-stop-record').hidden = !control || !running;
  clearInterval(ticker);
  if (counting) ticker = setInterval(render, 1000);
}

// Start or stop after the user confirms; the answer is shown like the event it announces.
async function confirmed(request, dialog) {
  if (!(await confirmAction(dialog))) return;
  const reply = await act({ request });
  if (reply && reply.state) onRecording(reply);
}

const startRecording = () => confirmed('start_recording', {
  title: 'Start recording?',
  text: 'Everyone in the room will be told that this session is being recorded. Webcams and shared content are recorded; names are not.',
  ok: 'Start recording',
});

const stopRecording = () => confirmed('stop_recording', {
  title: 'Stop recording?',
  text: 'The recording ends now and is stored. You will be told when the file is available.',
  ok: 'Stop recording',
});

function onRecording(message) {
  const previous = rec.state;
  rec = { ...rec, ...message };
  if (message.state === 'started' && !rec.started_at) rec.started_at = Date.now();
  if (!RUNNING.includes(rec.state)) delete rec.started_at;
  if (NOTICE[message.state] && message.state !== previous) notify(NOTICE[message.state], { kind: 'recording' });
  if (message.state === 'available') {
    notify('Your recording file is available', { kind: 'recording', link: libraryLink(message) });
  } else if (message.state === 'failed') {
    notify(`The recording could not be stored: ${message.error || 'see the server log'}`, { kind: 'error' });
  }
  render();
}

export function start(initial) {
  rec = { ...(initial || { state: 'idle' }) };
  if (rec.state === 'recording') rec.state = 'started';
  if (RUNNING.includes(rec.state)) notify(NOTICE[rec.state], { kind: 'recording' });
  $('menu-record').onclick = startRecording;
  $('menu-stop-record').onclick = stopRecording;
  $('rec-stop').onclick = stopRecording;
  render();
}

export function stop() { clearInterval(ticker); render(); }

// For the end screen: a session that ends while its recording runs (or is still being stored)
// ends before the file is stored, so the "available" notice cannot come. Hosts and moderators
// are pointed to the room's folder in the library instead (the file's owner and initiator also
// find it among their notices there).
export function pendingAtEnd() {
  if (!isLead() || !(RUNNING.includes(rec.state) || rec.state === 'stopped')) return null;
  return libraryLink({});
}

on('recording', onRecording);
