// The room page (SPEC W1): connects to Janus (janus.js from Debian), joins with a role proven by
// a token or a room password, and hands the room's events to the parts of the page that show
// them (state.js's bus). Also the page's states: joining, in the room, and the end states —
// left, removed, session closed, connection lost (with automatic reconnection).
/* global Janus */
import { $, notify, confirmAction } from './ui.js';
import { room, emit, RoomError, describeError, isLead, act } from './state.js';
import * as media from './media.js';
import * as recording from './recording.js';
import * as people from './people.js';
import * as chat from './chat.js';
import * as activities from './activities.js';
import * as signals from './signals.js';
import * as breakouts from './breakouts.js';

const params = new URLSearchParams(location.search);
// ?janus=<url> points the page at another Janus; by default the Janus HTTP API on this host.
// With several Janus nodes a room lives on one of them: a join elsewhere answers 468 with the
// home's URL, and the page moves there (janusUrl and ?janus= follow).
let janusUrl = params.get('janus') || `${location.protocol}//${location.hostname}:8088/janus`;
let followedHome = false; // one move per join: a second 468 is shown, not followed
room.client = params.get('client') === 'mobile' || /Android|iPhone|iPad|Mobile/i.test(navigator.userAgent) ? 'mobile' : 'desktop';

let janus = null;
let handle = null;
let lastJoin = null;      // the join body, to rejoin after a lost connection
let reconnecting = false;

function send(body, jsep) {
  return new Promise((resolve, reject) => {
    if (!handle) { reject(new Error('not connected')); return; }
    handle.send({
      message: body, jsep,
      success: (data) => (data && data.error_code
        ? reject(new RoomError(data.error_code, data.error, data.retry_after_ms)) : resolve(data)),
      error: (error) => reject(new Error(String(error))),
    });
  });
}
room.send = send;

// ---- screens --------------------------------------------------------------------------------

function showScreen(id) {
  for (const screen of ['join-screen', 'room-screen', 'end-screen']) $(screen).hidden = screen !== id;
}

const CLOSED_REASON = {
  closed_by_host: 'A host ended the session for everyone.',
  closed_by_admin: 'The operator ended the session.',
  destroyed: 'The room was removed.',
  shutdown: 'The server is shutting down.',
  host_left_timeout: 'The session ended because no host was present for a while.',
  max_session_duration: 'The session reached its maximum length.',
  breakout_closed: 'The breakout room was closed.',
  parent_closed: 'The main room\'s session ended, and its breakout rooms with it.',
};

// Every end goes through here: media stops, timers stop, nothing more is sent.
function end(title, text, { canRejoin = true } = {}) {
  if (room.ended) return;
  const pendingRecording = recording.pendingAtEnd(); // before room.ended changes what it sees
  room.ended = true;
  signals.stop();
  recording.stop();
  media.stopAll();
  document.querySelectorAll('dialog[open]').forEach((d) => d.close());
  $('end-title').textContent = title;
  $('end-text').textContent = text;
  $('end-recording').hidden = !pendingRecording;
  if (pendingRecording) $('end-recording-link').href = pendingRecording.href;
  $('rejoin').hidden = !canRejoin;
  showScreen('end-screen');
  document.title = `${title} — roomrec`;
  $('end-title').focus();
  // The handle has left (or was removed): destroying the session closes every PeerConnection
  // without another plugin request.
  if (janus) {
    const session = janus;
    janus = null; handle = null;
    // unload: stop polling at once (a poll on the destroyed session would be a 404).
    session.destroy({ cleanupHandles: true, notifyDestroyed: false, unload: true });
  }
}

// ---- room events ----------------------------------------------------------------------------

function enterRoom(joined) {
  room.me = joined;
  room.role = joined.role;
  room.ended = false;
  reconnecting = false;
  $('room-title').textContent = joined.title || joined.room;
  document.title = `${joined.title || joined.room} — roomrec`;
  $('my-role').textContent = { host: 'Host', moderator: 'Moderator', speaker: 'Speaker', viewer: 'Attendee' }[joined.role];
  $('menu-close').hidden = !isLead();
  $('net-state').textContent = '';
  showScreen('room-screen');
  people.start(joined);
  media.start(janus, handle);
  recording.start(joined.recording);
  chat.start();
  activities.start();
  signals.start();
  breakouts.start(switchRoom);
  history.replaceState(null, '', `?${new URLSearchParams({ ...Object.fromEntries(params), room: joined.room })}`);
}

function onMessage(message, jsep) {
  if (jsep && jsep.type === 'answer') handle.handleRemoteJsep({ jsep });
  if (message.roomrec === 'joined') { enterRoom(message); return; }
  if (message.error_code) {
    if (!room.me && message.error_code === 468 && message.url && !followedHome) { moveToHome(message.url); return; }
    if (!room.me) { joinFailed(new RoomError(message.error_code, message.error)); return; }
    if (!room.ended) notify(describeError(new RoomError(message.error_code, message.error)), { kind: 'error' });
    return;
  }
  if (room.ended) return;
  switch (message.roomrec) {
    case 'kicked':
      end('You were removed from the room', message.ban_seconds
        ? `A host or moderator removed you. You can rejoin this session in ${Math.ceil(message.ban_seconds / 60)} minutes, or once it ends.`
        : 'A host or moderator removed you.', { canRejoin: !message.ban_seconds });
      return;
    case 'room_closed':
      end('The session has ended', CLOSED_REASON[message.reason] || 'The session is over.');
      return;
    case 'replaced':
      end('You joined from somewhere else', 'You are in this room in another tab or on another device; this page has left.');
      return;
    default:
      emit(message.roomrec, message);
  }
}

// ---- joining --------------------------------------------------------------------------------

// The room lives on another node: leave this one and join there with the same proof.
function moveToHome(url) {
  followedHome = true;
  $('connection').textContent = 'This room is hosted on another server; connecting there…';
  // The refused handle never joined: destroying the session is all the leaving there is (unload:
  // stop polling at once, or a poll on the destroyed session would be a 404).
  const session = janus;
  janus = null; handle = null;
  session.destroy({ cleanupHandles: true, notifyDestroyed: false, unload: true });
  janusUrl = url;
  params.set('janus', url);
  history.replaceState(null, '', `?${params}`);
  connect(() => { $('connection').textContent = ''; attachAndJoin(lastJoin); });
}

function joinFailed(error) {
  const text = describeError(error);
  if (reconnecting) { end('Connection lost', `Could not rejoin: ${text}`); return; }
  $('join-error').textContent = text;
  $('join-button').disabled = false;
  $('join-button').textContent = 'Join room';
  if (handle) { handle.detach(); handle = null; }
}

function attachAndJoin(body) {
  let mine = null;
  janus.attach({
    plugin: 'janus.plugin.roomrec',
    success: (h) => {
      handle = h;
      mine = h;
      // The answer is the `joined` event (or an error event) in onMessage.
      send(body).catch(joinFailed);
    },
    // Only the current handle speaks for the page: a handle left behind by a move to a
    // breakout may still deliver its room's last events (room_closed after a close).
    onmessage: (message, jsep) => { if (mine && mine === handle) onMessage(message, jsep); },
    oncleanup: () => { if (mine && mine === handle) media.onCleanup(); },
    error: (error) => joinFailed(new Error(error)),
  });
}

function readJoinForm() {
  const form = $('join');
  const values = Object.fromEntries(new FormData(form));
  const room_ = values.room.trim();
  const display = values.display.trim();
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(room_)) return { error: 'Enter the room id from your invitation (letters, digits, - and _).' };
  if (!display) return { error: 'Enter your name, as others will see it.' };
  const body = { request: 'join', room: room_, user: { display, client: room.client, user_agent: navigator.userAgent.slice(0, 512) } };
  if (values.proof === 'token') {
    if (!values.token.trim()) return { error: 'Paste the invitation token you received.' };
    body.token = values.token.trim();
  } else {
    if (!values.secret) return { error: 'Enter the room password for that role.' };
    body.role = values.role;
    body.secret = values.secret;
  }
  return { body, display };
}

function onJoinSubmit(event) {
  event.preventDefault();
  const { body, display, error } = readJoinForm();
  if (error) { $('join-error').textContent = error; return; }
  $('join-error').textContent = '';
  $('join-button').disabled = true;
  $('join-button').textContent = 'Joining…';
  room.display = display;
  lastJoin = body;
  followedHome = false;
  room.proof = body.token ? { token: body.token } : { role: body.role, secret: body.secret };
  try { sessionStorage.setItem('roomrec-name', display); } catch { /* private mode */ }
  attachAndJoin(body);
}

// ---- connection -----------------------------------------------------------------------------

function connect(onReady) {
  janus = new Janus({
    server: janusUrl,
    success: onReady,
    error: () => {
      if (room.me && !room.ended) lostConnection();
      else if (!room.me) {
        $('connection').textContent = 'Cannot reach the server. Check your connection; retrying every few seconds…';
        $('join-button').disabled = true;
        setTimeout(() => connect(onReady), 3000);
      }
    },
  });
}

// The long poll failed: say so, then try to get back in with the same proof.
function lostConnection() {
  $('net-state').textContent = 'Disconnected — reconnecting…';
  notify('Connection to the server lost. Reconnecting…', { kind: 'error' });
  signals.stop();
  media.stopAll();
  room.ended = true;
  // Close the old PeerConnections without asking the unreachable server anything.
  janus.destroy({ cleanupHandles: true, notifyDestroyed: false, unload: true });
  janus = null; handle = null;
  const retry = (attempt) => {
    if (attempt > 10) { room.ended = false; end('Connection lost', 'The server cannot be reached. Check your network and join again.'); return; }
    const probe = new Janus({
      server: janusUrl,
      success: () => {
        janus = probe;
        reconnecting = true;
        room.ended = false;
        room.me = null;
        attachAndJoin(lastJoin);
      },
      error: () => setTimeout(() => retry(attempt + 1), 3000),
    });
  };
  setTimeout(() => retry(1), 1000);
}

// Moving into a breakout and back (R8): the page leaves this room (its handle detached, so the
// room sees it leave) and joins the other with the token the move handed out — the rejoin of
// a lost connection, on the same Janus session. A drop later rejoins with that token too.
function switchRoom(message) {
  signals.stop();
  recording.stop();
  media.leave();
  room.ended = true; // nothing more is sent to the room being left
  const left = handle;
  handle = null;
  left.detach({ error: () => {} }); // a breakout that was closed has already let it go
  for (const id of ['chat', 'polls', 'questions']) $(id).replaceChildren();
  lastJoin = {
    request: 'join', room: message.room, token: message.token,
    user: { display: room.display, client: room.client, user_agent: navigator.userAgent.slice(0, 512) },
  };
  reconnecting = true; // a refusal ends the page ("Could not rejoin") instead of showing the form
  room.me = null;
  room.onStage = false; // a stage is one room's: the other starts without it
  room.ended = false;
  attachAndJoin(lastJoin);
}

// ---- toolbar and menus ----------------------------------------------------------------------

// closeOnPick: a menu closes when an item is picked; the reactions stay open for another.
function wirePopover(buttonId, popoverId, closeOnPick) {
  const button = $(buttonId);
  const popover = $(popoverId);
  const set = (open) => { popover.hidden = !open; button.setAttribute('aria-expanded', String(open)); };
  button.addEventListener('click', (event) => {
    event.stopPropagation();
    set(popover.hidden);
    if (!popover.hidden) popover.querySelector('button:not([hidden])')?.focus();
  });
  popover.addEventListener('click', (event) => { if (closeOnPick) set(false); else event.stopPropagation(); });
  document.addEventListener('click', (event) => { if (!popover.contains(event.target)) set(false); });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape' && !popover.hidden) { set(false); button.focus(); } });
  // Arrow keys move between the items, as in any menu.
  popover.addEventListener('keydown', (event) => {
    if (!['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight'].includes(event.key)) return;
    const items = [...popover.querySelectorAll('button:not([hidden]):not(:disabled)')];
    const step = event.key === 'ArrowDown' || event.key === 'ArrowRight' ? 1 : -1;
    items[(items.indexOf(document.activeElement) + step + items.length) % items.length]?.focus();
    event.preventDefault();
  });
}

function wireTabs() {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => {
      for (const other of tabs) {
        other.setAttribute('aria-selected', String(other === tab));
        $(other.getAttribute('aria-controls')).hidden = other !== tab;
      }
    });
  }
}

async function leave() {
  await act({ request: 'leave' }, { quiet: true });
  end('You left the room', 'Thanks for joining.');
}

async function closeRoom() {
  const ok = await confirmAction({
    title: 'End the session for everyone?',
    text: 'Everyone is removed from the room and a running recording is stopped and stored.',
    ok: 'End session',
  });
  if (ok) await act({ request: 'close' });
}

let roomAudio = true;
function toggleRoomAudio() {
  roomAudio = !roomAudio;
  media.setRoomAudio(roomAudio);
  $('menu-sound').textContent = roomAudio ? 'Mute room audio' : 'Unmute room audio';
}

function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else $('room-screen').requestFullscreen().catch(() => notify('Full screen is not available here.'));
}

function prefill() {
  const form = $('join');
  form.room.value = params.get('room') || '';
  try { form.display.value = sessionStorage.getItem('roomrec-name') || ''; } catch { /* private mode */ }
  if (params.get('token')) {
    form.token.value = params.get('token');
    form.proof.value = 'token';
  }
  if (params.get('role')) form.role.value = params.get('role');
  const showProof = () => {
    $('proof-token').hidden = form.proof.value !== 'token';
    $('proof-secret').hidden = form.proof.value === 'token';
  };
  for (const radio of form.querySelectorAll('[name=proof]')) radio.addEventListener('change', showProof);
  showProof();
  $('client-kind').textContent = room.client === 'mobile'
    ? 'You are joining from a mobile device: recording controls are not available here.'
    : '';
}

$('join').addEventListener('submit', onJoinSubmit);
$('btn-leave').onclick = leave;
$('menu-close').onclick = closeRoom;
$('menu-sound').onclick = toggleRoomAudio;
$('menu-fullscreen').onclick = toggleFullscreen;
$('rejoin').onclick = () => location.reload();
wirePopover('btn-more', 'more-menu', true);
wirePopover('btn-react', 'reactions', false);
wireTabs();
prefill();

Janus.init({
  debug: false,
  callback: () => connect(() => {
    $('connection').textContent = 'Connected. Enter your details to join.';
    $('join-button').disabled = false;
  }),
});
