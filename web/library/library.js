// The recordings library (SPEC S6): a room's Recordings folder and the user's My Media, played
// in the page over the expiring links the plugin signs, shared with people or by link, renamed
// and deleted by the owner. Talks to the plugin's "library" request over Janus's HTTP API (every
// library answer is synchronous, so no long poll is needed). The server decides who sees what;
// this page only hides what it would refuse anyway.
//   ?janus=<url>      another Janus HTTP endpoint (tests use their own ports)
//   ?token=<token>    sign in with this token (removed from the address bar at once)
//   ?share=<token>    open a recording shared by link (no sign-in)
//   ?recording=<id>   open that recording once signed in
//   #token=<token> or #room=<room>&secret=<host secret>: sign in with what the room page hands
//                     over (a fragment never reaches a server; removed from the address bar at once)

const params = new URLSearchParams(location.search);
const JANUS_URL = params.get('janus') || `${location.protocol}//${location.hostname}:8088/janus`;
const STORE = 'roomrec.library.credential';
const $ = (id) => document.getElementById(id);

// ---- Janus HTTP: one session and one handle, made again when Janus forgot them. ----
let handleUrl = null;

async function janusPost(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ ...body, transaction: Math.random().toString(36).slice(2) }),
  });
  return response.json();
}

async function attach() {
  const session = await janusPost(JANUS_URL, { janus: 'create' });
  if (session.janus !== 'success') throw new LibraryError(0, 'The server refused a new session.');
  const sessionUrl = `${JANUS_URL}/${session.data.id}`;
  const handle = await janusPost(sessionUrl, { janus: 'attach', plugin: 'janus.plugin.roomrec' });
  if (handle.janus !== 'success') throw new LibraryError(0, 'The recordings service is not available on this server.');
  handleUrl = `${sessionUrl}/${handle.data.id}`;
  addEventListener('pagehide', () => { navigator.sendBeacon?.(sessionUrl, JSON.stringify({ janus: 'destroy', transaction: 'bye' })); }, { once: true });
}

class LibraryError extends Error {
  constructor(code, message) { super(message); this.code = code; }
}

async function library(action, fields = {}, withCredential = true) {
  const body = { request: 'library', action, ...fields, ...(withCredential ? credential : {}) };
  for (let attempt = 0; attempt < 2; attempt++) {
    let reply;
    try {
      if (!handleUrl) await attach();
      reply = await janusPost(handleUrl, { janus: 'message', body });
    } catch (error) {
      if (error instanceof LibraryError) throw error;
      throw new LibraryError(-1, 'Cannot reach the server. Check your connection and try again.');
    }
    if (reply.janus === 'error' && [458, 459].includes(reply.error?.code)) { handleUrl = null; continue; }
    if (reply.janus !== 'success') throw new LibraryError(0, reply.error?.reason || 'The server refused the request.');
    const data = reply.plugindata.data;
    if (data.error_code) throw new LibraryError(data.error_code, data.error);
    return data;
  }
  throw new LibraryError(-1, 'The server keeps forgetting this page\'s session; reload the page.');
}

// What a person should read for each refusal (docs/API.md, error codes).
function explain(error, context = '') {
  switch (error.code) {
    case 447:
      if (/share link/.test(error.message)) return `${capitalise(error.message)}. Ask the person who shared it for a new link.`;
      if (credential.secret) return 'The room password is not valid here (a room password works only while its room is open). Sign in with your access token.';
      return 'Your access token is not valid or has expired. Sign in again with a current token.';
    case 448: return 'You do not have access to this recording. Ask its owner to share it with you.';
    case 465: return 'This recording no longer exists. It may have been deleted.';
    case 466: return 'The recordings library is not available right now. Please try again in a minute.';
    case 457: return 'Too many requests in a short time. Please wait a few seconds and try again.';
    case 455: return capitalise(error.message) + '.';
    case 443: case 444: case 442: return `${context}${capitalise(error.message)}.`;
    default: return error.message || 'Something went wrong.';
  }
}
const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);

// ---- Messages ----
let noticeTimer = 0;
function notice(text) {
  const box = $('notice');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
}
function problem(text) {
  const box = $('problem');
  box.textContent = text || '';
  box.hidden = !text;
}

// ---- Formatting, in the viewer's locale ----
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
function duration(ms) {
  if (ms == null) return '';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
function size(bytes) {
  if (bytes == null) return '';
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes, unit = 0;
  while (value >= 1000 && unit < units.length - 1) { value /= 1000; unit++; }
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}
function facts(recording) {
  return [dateFormat.format(new Date(recording.started_ms)), duration(recording.duration_ms), size(recording.size_bytes),
    recording.room ? `room ${recording.room}` : '', recording.owner && recording.owner !== me ? `owner ${recording.owner}` : '']
    .filter(Boolean).join(' · ');
}

// ---- Credential ----
let credential = {};
let me = '';
let noticePoll = 0;

function tokenUser(token) {
  const match = /(?:^|,)user=([A-Za-z0-9_-]+)/.exec(token.split(':')[0]);
  return match ? match[1] : '';
}
function tokenRoom(token) {
  const match = /(?:^|,)room=([A-Za-z0-9_-]+)/.exec(token.split(':')[0]);
  return match ? match[1] : '';
}
const tokenIsHost = (token) => /(?:^|,)role=host(?:,|$)/.test(token.split(':')[0]);
function signIn(next) {
  credential = next;
  me = next.token ? tokenUser(next.token) : '';
  sessionStorage.setItem(STORE, JSON.stringify(next));
  $('who').textContent = me ? `Signed in as ${me}` : next.secret ? `Signed in as a host of room ${next.room}` : 'Signed in as an operator';
  $('sign-out').hidden = false;
  $('sign-in').hidden = true;
  $('library').hidden = false;
  $('tab-mine').hidden = !me;
  if (next.token && tokenRoom(next.token)) $('room-input').value = tokenRoom(next.token);
  // The room's host secret opens that room's folder only.
  if (next.secret) $('room-input').value = next.room;
  $('room-input').readOnly = Boolean(next.secret);
  // A host (or an operator) comes for the room's folder; everyone else for their own media.
  showTab(me && !(next.token && tokenIsHost(next.token)) ? 'mine' : 'room');
  refreshNotices();
  // A recording stored while the page is open (it takes a minute after a session ends) shows up.
  clearInterval(noticePoll);
  noticePoll = setInterval(refreshNotices, 60000);
}
function signOut() {
  clearInterval(noticePoll);
  sessionStorage.removeItem(STORE);
  credential = {};
  me = '';
  $('who').textContent = '';
  $('sign-out').hidden = true;
  $('library').hidden = true;
  $('notices').hidden = true;
  $('viewer').hidden = true;
  stopPlayer();
  $('sign-in').hidden = false;
  $('token-input').focus();
}

// ---- Lists ----
let tab = 'mine';
function showTab(which) {
  tab = which;
  $('tab-mine').setAttribute('aria-selected', String(which === 'mine'));
  $('tab-room').setAttribute('aria-selected', String(which === 'room'));
  $('list-panel').setAttribute('aria-labelledby', `tab-${which}`);
  $('room-form').hidden = which !== 'room';
  $('list-title').textContent = which === 'mine' ? 'My Media' : 'Room recordings';
  refresh();
}

let listing = 0; // only the newest listing is shown (a slow answer for another tab is dropped)
async function refresh() {
  const mine = ++listing;
  problem('');
  const list = $('recordings');
  if (tab === 'room' && !$('room-input').value) {
    list.replaceChildren();
    showEmpty('Enter a room to see its Recordings folder.');
    return;
  }
  list.setAttribute('aria-busy', 'true');
  try {
    const data = tab === 'mine' ? await library('mine') : await library('room', { room: $('room-input').value.trim() });
    if (mine !== listing) return;
    if (tab === 'room') $('list-title').textContent = `Recordings of room ${data.room}`;
    render(data.recordings);
  } catch (error) {
    if (mine !== listing) return;
    list.replaceChildren();
    showEmpty('');
    problem(explain(error, 'Room: '));
  } finally {
    list.removeAttribute('aria-busy');
  }
}

function showEmpty(text) {
  $('empty').textContent = text;
  $('empty').hidden = !text;
}

function render(recordings) {
  const list = $('recordings');
  list.replaceChildren();
  showEmpty(recordings.length ? '' : tab === 'mine' ? 'No recordings yet. Recordings you own or that are shared with you appear here.'
    : 'This room has no recordings you may see.');
  for (const recording of recordings) {
    const item = document.createElement('li');
    item.className = 'recording';
    const title = document.createElement('h3');
    title.textContent = recording.title || recording.file;
    const meta = document.createElement('p');
    meta.className = 'facts';
    meta.textContent = facts(recording);
    const badges = document.createElement('p');
    badges.className = 'badges';
    const badge = (text, kind) => {
      const span = document.createElement('span');
      span.className = `badge ${kind}`;
      span.textContent = text;
      badges.append(span);
    };
    if (recording.access === 'owner') badge('Yours', 'own');
    else if (recording.access === 'shared') badge('Shared with you', 'shared');
    else if (recording.access === 'host') badge('You host this room', 'host');
    if (!recording.playable) badge(recording.state === 'failed' ? 'Failed' : 'Still processing', 'state');
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'primary';
    open.textContent = 'Play';
    open.setAttribute('aria-label', `Play ${title.textContent}`);
    open.disabled = !recording.playable;
    open.addEventListener('click', () => openRecording(recording.recording));
    item.append(title, meta, badges, open);
    list.append(item);
  }
}

// ---- Notices: recordings of yours that finished, perhaps after everyone had left the room ----
async function refreshNotices() {
  const box = $('notices');
  if (!me) { box.hidden = true; return; }
  let notices;
  try {
    notices = (await library('notices')).notices;
  } catch {
    box.hidden = true; // the lists below report what is wrong
    return;
  }
  const list = $('notice-list');
  list.replaceChildren();
  for (const recording of notices) {
    const item = document.createElement('li');
    const text = document.createElement('p');
    const name = recording.title || recording.file;
    const when = recording.ended_ms ? dateFormat.format(new Date(recording.ended_ms)) : '';
    if (recording.state === 'failed') {
      text.className = 'failed';
      text.textContent = `The recording of “${name}” in room ${recording.room} could not be stored.`;
    } else {
      const stored = when ? ` (stored ${when})` : '';
      text.textContent = recording.owner === me
        ? `Your recording “${name}” in room ${recording.room} is ready${stored}.`
        : `The recording you started, “${name}” in room ${recording.room}, is ready${stored}.`;
    }
    item.append(text);
    if (recording.playable && recording.access !== 'none') {
      const open = document.createElement('button');
      open.type = 'button';
      open.className = 'primary';
      open.textContent = 'Play';
      open.setAttribute('aria-label', `Play the new recording ${name}`);
      open.addEventListener('click', () => openRecording(recording.recording));
      item.append(open);
    }
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'quiet';
    dismiss.textContent = 'Dismiss';
    dismiss.setAttribute('aria-label', `Dismiss the notice about ${name}`);
    dismiss.addEventListener('click', async () => {
      try {
        await library('dismiss', { recording: recording.recording });
        item.remove();
        box.hidden = !list.children.length;
      } catch (error) {
        problem(explain(error));
      }
    });
    item.append(dismiss);
    list.append(item);
  }
  box.hidden = !notices.length;
}

// ---- Player and playback telemetry (docs/API.md "Recordings-library playback") ----
const player = $('player');
let current = null;     // the recording shown
let reporter = null;

function viewerId() {
  let id = localStorage.getItem('roomrec.viewer');
  if (!id) {
    id = crypto.getRandomValues(new Uint8Array(16)).reduce((s, b) => s + b.toString(16).padStart(2, '0'), '');
    localStorage.setItem('roomrec.viewer', id);
  }
  return id;
}

class PlaybackReporter {
  constructor(endpoint, playback) {
    this.endpoint = endpoint;
    this.base = { ...playback, viewer: viewerId() };
    this.play = null;
    this.lastTime = 0;
    this.lastSent = 0;
    this.send({ event: 'impression' });
  }
  send(fields) {
    // A simple request (text body): no preflight when the page comes from another origin.
    fetch(this.endpoint, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ ...this.base, ...fields }) }).catch(() => {});
  }
  timing() {
    const duration = Number.isFinite(player.duration) ? Math.round(player.duration * 1000) : 0;
    return { play: this.play, position_ms: Math.min(Math.round(player.currentTime * 1000), duration), duration_ms: duration };
  }
  onPlay() {
    if (!this.play || player.ended || player.currentTime < 0.5) {
      this.play = crypto.getRandomValues(new Uint32Array(2)).reduce((s, n) => s + n.toString(36), 'p');
      this.send({ event: 'play', ...this.timing() });
      this.lastSent = performance.now();
    }
  }
  onTime() {
    if (!this.play || player.seeking) return;
    if (performance.now() - this.lastSent >= 5000 || player.ended) {
      this.send({ event: 'progress', ...this.timing() });
      this.lastSent = performance.now();
    }
    this.lastTime = player.currentTime;
  }
  onSeeked() {
    if (!this.play) return;
    this.send({ event: 'seek', ...this.timing(), from_ms: Math.round(this.lastTime * 1000) });
    this.lastTime = player.currentTime;
    this.lastSent = performance.now();
  }
}

player.addEventListener('play', () => reporter?.onPlay());
player.addEventListener('timeupdate', () => reporter?.onTime());
player.addEventListener('seeked', () => reporter?.onSeeked());
player.addEventListener('error', () => {
  if (!player.getAttribute('src')) return;
  problem(current && current.linkExpiresMs < Date.now()
    ? 'The playback link has expired. Open the recording again.'
    : 'The video cannot be played. The link may have expired or the file was removed; open the recording again.');
});

function stopPlayer() {
  player.pause();
  player.removeAttribute('src');
  player.load();
  reporter = null;
}

function showViewer(data, shared) {
  const recording = data.recording;
  current = { ...recording, linkExpiresMs: data.expires_ms };
  $('viewer-title').textContent = recording.title || recording.file;
  $('viewer-facts').textContent = facts(recording);
  stopPlayer();
  player.src = data.url;
  // The link endpoint takes the reports, also for a recording played from S3.
  reporter = data.playback ? new PlaybackReporter(data.playback_url, data.playback) : null;
  $('download').href = data.url;
  $('download').setAttribute('download', recording.file || 'recording.mp4');
  const until = dateFormat.format(new Date(data.link_expires_ms || data.expires_ms));
  $('link-expiry').textContent = shared ? `Shared with you by link until ${until}.` : `This playback link works until ${until}.`;
  $('rename-open').hidden = !recording.can_manage;
  $('delete-open').hidden = !recording.can_manage;
  $('share-open').hidden = !recording.can_share;
  $('close-viewer').hidden = shared;
  renderTracks(recording.files || [], shared);
  for (const id of ['rename-form', 'share-panel', 'new-link']) $(id).hidden = true;
  $('viewer').hidden = false;
  $('library').hidden = true;
  $('viewer-title').setAttribute('tabindex', '-1');
  $('viewer-title').focus();
}

// The files stored beside the recording (isolated tracks, their manifest): each is linked when
// asked for, so its download link is fresh.
function renderTracks(files, shared) {
  const list = $('tracks');
  list.replaceChildren();
  for (const file of files) {
    const item = document.createElement('li');
    const name = document.createElement('span');
    name.textContent = file;
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Download';
    button.setAttribute('aria-label', `Download ${file}`);
    button.addEventListener('click', () => downloadTrack(file, shared, button));
    item.append(name, button);
    list.append(item);
  }
  $('tracks-panel').hidden = files.length === 0;
}

async function downloadTrack(file, shared, button) {
  problem('');
  button.disabled = true;
  try {
    const data = shared
      ? await library('open_link', { share_token: params.get('share'), file }, false)
      : await library('link', { recording: current.recording, file });
    const link = document.createElement('a');
    link.href = data.url;
    link.download = file;
    document.body.append(link);
    link.click();
    link.remove();
  } catch (error) {
    problem(explain(error));
  } finally {
    button.disabled = false;
  }
}

async function openRecording(id) {
  problem('');
  try {
    showViewer(await library('link', { recording: id }), false);
  } catch (error) {
    problem(explain(error));
  }
}

function closeViewer() {
  stopPlayer();
  $('viewer').hidden = true;
  $('library').hidden = false;
  current = null;
  refresh();
}

// ---- Owner actions ----
async function act(action, fields, done) {
  problem('');
  try {
    const data = await library(action, { recording: current.recording, ...fields });
    if (data.recording) Object.assign(current, data.recording);
    done(data);
  } catch (error) {
    problem(explain(error));
  }
}

function renderShares() {
  const chips = $('shared-with');
  chips.replaceChildren();
  $('shared-label').textContent = (current.shared_with || []).length ? 'Shared with:' : 'Not shared with anyone yet.';
  for (const user of current.shared_with || []) {
    const chip = document.createElement('li');
    chip.textContent = user;
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'quiet';
    remove.textContent = 'Remove';
    remove.setAttribute('aria-label', `Stop sharing with ${user}`);
    remove.addEventListener('click', () => act('unshare', { user }, () => { renderShares(); notice(`No longer shared with ${user}.`); }));
    chip.append(' ', remove);
    chips.append(chip);
  }
}

function renderLinks(links) {
  const list = $('links');
  list.replaceChildren();
  for (const link of links || []) {
    const item = document.createElement('li');
    item.textContent = `Link created ${dateFormat.format(new Date(link.created_ms))}, works until ${dateFormat.format(new Date(link.expires_ms))} `;
    const revoke = document.createElement('button');
    revoke.type = 'button';
    revoke.textContent = 'Revoke';
    revoke.setAttribute('aria-label', `Revoke the link created ${dateFormat.format(new Date(link.created_ms))}`);
    revoke.addEventListener('click', () => act('revoke_link', { link: link.link }, (data) => {
      renderLinks(data.links);
      $('new-link').hidden = true;
      notice('The link was revoked: it no longer opens the recording.');
    }));
    item.append(revoke);
    list.append(item);
  }
}

function shareUrl(token) {
  const url = new URL(location.pathname, location.origin);
  if (params.get('janus')) url.searchParams.set('janus', params.get('janus'));
  url.searchParams.set('share', token);
  return url.toString();
}

$('rename-open').addEventListener('click', () => {
  $('rename-input').value = current.title || '';
  $('rename-form').hidden = false;
  $('rename-input').focus();
});
$('rename-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const title = $('rename-input').value.trim();
  if (!title) { problem('Enter a title.'); return; }
  act('rename', { title }, () => {
    $('viewer-title').textContent = current.title;
    $('rename-form').hidden = true;
    notice('The recording was renamed.');
  });
});
$('share-open').addEventListener('click', async () => {
  $('share-panel').hidden = false;
  renderShares();
  await act('details', {}, (data) => renderLinks(data.links));
  $('share-users').focus();
});
$('share-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const users = $('share-users').value.split(/[\s,;]+/).filter(Boolean);
  const bad = users.find((user) => !/^[A-Za-z0-9_-]{1,128}$/.test(user));
  if (!users.length) { problem('Enter at least one user id.'); return; }
  if (bad) { problem(`"${bad}" is not a user id: use letters, digits, - and _.`); return; }
  act('share', { users }, () => {
    $('share-users').value = '';
    renderShares();
    notice(`Shared with ${users.join(', ')}.`);
  });
});
$('link-form').addEventListener('submit', (event) => {
  event.preventDefault();
  act('share_link', { expires_in: Number($('link-days').value) }, (data) => {
    $('new-link-url').value = shareUrl(data.share_token);
    $('new-link-expiry').textContent = dateFormat.format(new Date(data.expires_ms));
    $('new-link').hidden = false;
    renderLinks(data.links);
    $('new-link-url').select();
    notice('Share link created. Copy it now: it is shown only once.');
  });
});
$('copy-link').addEventListener('click', async () => {
  const field = $('new-link-url');
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    field.select();
    document.execCommand('copy');
  }
  notice('Link copied.');
});
$('delete-open').addEventListener('click', () => {
  $('confirm-text').textContent = `"${current.title || current.file}" is removed for everyone it is shared with. This cannot be undone.`;
  $('confirm-delete').showModal();
});
$('confirm-delete').addEventListener('close', () => {
  if ($('confirm-delete').returnValue !== 'delete') return;
  const title = current.title || current.file;
  act('delete', {}, () => {
    closeViewer();
    notice(`"${title}" was deleted.`);
  });
});
for (const button of document.querySelectorAll('[data-close]'))
  button.addEventListener('click', () => { $(button.dataset.close).hidden = true; });

// ---- Wiring ----
$('sign-in').addEventListener('submit', (event) => {
  event.preventDefault();
  const token = $('token-input').value.trim(), operator = $('operator-input').value;
  if (!token && !operator) { problem('Enter your access token (or, for operators, the operator secret).'); return; }
  problem('');
  signIn(token ? { token } : { admin_secret: operator });
  $('token-input').value = '';
  $('operator-input').value = '';
});
$('sign-out').addEventListener('click', signOut);
$('tab-mine').addEventListener('click', () => showTab('mine'));
$('tab-room').addEventListener('click', () => showTab('room'));
$('room-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!$('room-input').checkValidity()) { problem('A room id is 1 to 64 letters, digits, - or _.'); return; }
  refresh();
});
$('close-viewer').addEventListener('click', closeViewer);
document.querySelector('.tabs').addEventListener('keydown', (event) => {
  if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
  const tabs = [...document.querySelectorAll('[role=tab]:not([hidden])')];
  const next = tabs[(tabs.indexOf(document.activeElement) + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  next.focus();
  next.click();
});

async function start() {
  const shared = params.get('share');
  if (shared) {
    $('who').textContent = 'Shared recording';
    try {
      showViewer(await library('open_link', { share_token: shared }, false), true);
    } catch (error) {
      problem(explain(error));
    }
    return;
  }
  const handed = new URLSearchParams(location.hash.slice(1));
  const token = params.get('token') || handed.get('token');
  if (token || handed.get('secret')) {
    params.delete('token');
    history.replaceState(null, '', `${location.pathname}${params.toString() ? `?${params}` : ''}`);
    signIn(token ? { token } : { room: handed.get('room') || params.get('room') || '', secret: handed.get('secret') });
  } else {
    const stored = sessionStorage.getItem(STORE);
    if (stored) signIn(JSON.parse(stored));
    else signOut();
  }
  // ?recording=<id>: open that recording (a link from the room page's "available" notice).
  if (params.get('recording') && Object.keys(credential).length) openRecording(params.get('recording'));
}

start();
