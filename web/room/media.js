// Media on the room page: publishing your webcam (audio + video) and presented content on the
// participant handle, receiving everyone else's streams on one subscriber handle, and the tiles:
// shared content large with webcams beside it, or a grid of webcams when nobody presents.
// A tile goes away the moment its publisher stops (unpublished, taken off stage, left), for
// everyone, whatever the subscriber's SDP does later.
import { $, el, notify } from './ui.js';
import { room, on, emit, canPublish, nameOf, RoomError, describeError } from './state.js';

const local = { audio: null, video: null, stage: null, publishing: false, micMuted: false, busy: false,
  changedWhileBusy: false };
let participantHandle = null;
let feed = null;                 // subscriber handle
let feedJoined = false;
const mids = new Map();          // subscriber mid → {feed, source, type}
const subscribedFeeds = new Set();
let queue = Promise.resolve();   // subscriber negotiations, one at a time
let settle = null;               // resolves the negotiation in flight
let cleanupWaiter = null;

export const cameraOn = () => !!(local.publishing && local.video && local.video.enabled && local.video.readyState === 'live');
export const soundOn = () => !$('media').classList.contains('sound-off') && document.querySelectorAll('#remote-audio audio').length > 0;

// ---- tiles ----------------------------------------------------------------------------------

function tileId(feedId, source) { return `tile-${feedId}-${source}`; }

function tileLabel(feedId, source) {
  const mine = feedId === 'me';
  const p = mine ? null : room.participants.get(feedId);
  const name = mine ? 'You' : nameOf(feedId);
  const label = source === 'stage' ? `${name} — presenting` : name;
  return p && p.hand ? `${label} ✋` : label;
}

function showTile(feedId, source, track) {
  const id = tileId(feedId, source);
  let tile = document.getElementById(id);
  if (!tile) {
    tile = el('figure', { id, class: `tile ${source}`, dataset: { feed: feedId, source } },
      el('video', { autoplay: true, playsinline: true, muted: true }),
      el('figcaption', {}, tileLabel(feedId, source)));
    (source === 'stage' ? $('stage') : $('tiles')).append(tile);
  }
  const video = tile.querySelector('video');
  video.muted = true;
  video.srcObject = new MediaStream([track]);
  video.play().catch(() => {});
  layout();
}

function removeTiles(feedId) {
  for (const tile of document.querySelectorAll(`.tile[data-feed="${feedId}"]`)) tile.remove();
  layout();
}

function removeTile(feedId, source) {
  document.getElementById(tileId(feedId, source))?.remove();
  layout();
}

export function refreshLabels() {
  for (const tile of document.querySelectorAll('.tile')) {
    tile.querySelector('figcaption').textContent = tileLabel(tile.dataset.feed, tile.dataset.source);
  }
}

function layout() {
  const presenting = $('stage').children.length > 0;
  $('stage').hidden = !presenting;
  $('media').classList.toggle('has-stage', presenting);
  $('no-video').hidden = presenting || $('tiles').children.length > 0;
}

// ---- publishing -----------------------------------------------------------------------------

// The mids of our offer's video m-lines, in the order we added them: webcam first, then stage.
function describe(sdp, sources) {
  const descriptions = [];
  let kind = null;
  let index = 0;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) kind = line.slice(2).split(' ')[0];
    if (line.startsWith('a=mid:') && kind === 'video' && index < sources.length) {
      descriptions.push({ mid: line.slice(6), description: sources[index++] });
    }
  }
  return descriptions;
}

function offer(tracks) {
  return new Promise((resolve, reject) => participantHandle.createOffer({
    tracks, success: resolve, error: (error) => reject(new Error(String(error && error.message || error))),
  }));
}

function waitCleanup() {
  return new Promise((resolve) => {
    cleanupWaiter = resolve;
    setTimeout(resolve, 3000);
  });
}

// Publishes what is switched on now; republishes from scratch when the set changes. A change
// made while a publish is under way (Present pressed right after Start camera) is published
// right after it: dropped, the presenter would see their own tile and nobody else would.
async function republish() {
  if (room.ended) return;
  if (local.busy) {
    local.changedWhileBusy = true;
    return;
  }
  local.busy = true;
  renderButtons();
  try {
    do {
      local.changedWhileBusy = false;
      await publishWhatIsOn();
    } while (local.changedWhileBusy && !room.ended);
  } catch (error) {
    if (!room.ended) notify(`Could not share your media: ${error instanceof RoomError ? describeError(error) : error.message}`, { kind: 'error' });
    stopLocal();
  } finally {
    local.busy = false;
    renderButtons();
  }
}

async function publishWhatIsOn() {
  if (local.publishing) {
    const gone = waitCleanup();
    await room.send({ request: 'unpublish' });
    local.publishing = false;
    await gone;
  }
  const tracks = [];
  const sources = [];
  // Ours to stop: janus.js would stop them when the PeerConnection is cleaned up.
  for (const track of [local.audio, local.video, local.stage]) if (track) track.dontStop = true;
  if (local.audio) tracks.push({ type: 'audio', capture: local.audio, recv: false });
  if (local.video) { tracks.push({ type: 'video', capture: local.video, recv: false }); sources.push('webcam'); }
  if (local.stage) { tracks.push({ type: 'video', capture: local.stage, recv: false }); sources.push('stage'); }
  if (tracks.length === 0) return;
  const jsep = await offer(tracks);
  await room.send({ request: 'publish', descriptions: describe(jsep.sdp, sources) }, jsep);
  local.publishing = true;
}

function stopLocal() {
  for (const key of ['audio', 'video', 'stage']) {
    if (local[key]) local[key].stop();
    local[key] = null;
  }
  removeTiles('me');
  local.publishing = false;
  renderButtons();
}

async function toggleCamera() {
  if (local.video) {
    local.video.stop(); local.video = null;
    if (local.audio) { local.audio.stop(); local.audio = null; }
    removeTile('me', 'webcam');
  } else {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
      local.audio = stream.getAudioTracks()[0] || null;
      local.video = stream.getVideoTracks()[0] || null;
      if (local.audio) local.audio.enabled = !local.micMuted;
      if (local.video) showTile('me', 'webcam', local.video);
    } catch (error) {
      notify(`Your camera or microphone is not available (${error.name}). Check the browser's permissions.`, { kind: 'error' });
      return;
    }
  }
  await republish();
}

async function togglePresent() {
  if (local.stage) {
    local.stage.stop(); local.stage = null;
    removeTile('me', 'stage');
  } else {
    try {
      const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
      local.stage = stream.getVideoTracks()[0];
      local.stage.addEventListener('ended', () => { if (local.stage) togglePresent(); });
      showTile('me', 'stage', local.stage);
    } catch (error) {
      if (error.name !== 'NotAllowedError') notify(`Screen sharing is not available here (${error.name}).`, { kind: 'error' });
      return;
    }
  }
  await republish();
}

function toggleMic() {
  local.micMuted = !local.micMuted;
  if (local.audio) local.audio.enabled = !local.micMuted;
  renderButtons();
}

export function renderButtons() {
  const allowed = canPublish() && !room.ended;
  $('btn-camera').hidden = !allowed;
  $('btn-present').hidden = !allowed;
  $('btn-mic').hidden = !allowed || !local.audio;
  $('btn-camera').textContent = local.video ? 'Stop camera' : 'Start camera';
  $('btn-present').textContent = local.stage ? 'Stop presenting' : 'Present';
  $('btn-mic').textContent = local.micMuted ? 'Unmute' : 'Mute';
  $('btn-mic').setAttribute('aria-pressed', String(local.micMuted));
  for (const id of ['btn-camera', 'btn-present']) $(id).disabled = local.busy;
}

// ---- receiving ------------------------------------------------------------------------------

function negotiate(body) {
  queue = queue.then(() => new Promise((resolve) => {
    if (room.ended || !feed) { resolve(); return; }
    const timer = setTimeout(resolve, 10000);
    settle = () => { clearTimeout(timer); settle = null; resolve(); };
    feed.send({ message: body, success: (data) => { if (data && data.error_code && settle) settle(); }, error: () => settle && settle() });
  }));
}

function subscribeTo(participant) {
  if (!participant || participant.id === room.me.id || !participant.streams || participant.streams.length === 0) return;
  subscribedFeeds.add(participant.id);
  const streams = [{ feed: participant.id }];
  if (!feedJoined) {
    feedJoined = true;
    negotiate({ request: 'join', ptype: 'subscriber', room: room.me.room, private_id: room.me.private_id, streams });
  } else {
    negotiate({ request: 'subscribe', streams });
  }
}

function forget(feedId) {
  subscribedFeeds.delete(feedId);
  for (const [mid, info] of mids) if (info.feed === feedId) mids.delete(mid);
  removeTiles(feedId);
}

function onFeedMessage(message, jsep) {
  for (const stream of message.streams || []) {
    if (!stream.active) { mids.delete(stream.mid); continue; }
    const owner = room.participants.get(stream.feed);
    const published = owner && (owner.streams || []).find((s) => s.mid === stream.feed_mid);
    mids.set(stream.mid, { feed: stream.feed, source: published ? published.source : 'webcam', type: stream.type });
  }
  if (jsep && jsep.type === 'offer') {
    feed.createAnswer({
      jsep, tracks: [{ type: 'data' }],
      success: (answer) => feed.send({ message: { request: 'start' }, jsep: answer }),
      error: () => { if (settle) settle(); },
    });
  }
  if (message.roomrec === 'started' || message.error_code) {
    reconcile();
    if (settle) settle();
  }
}

// A reused m-line (someone republished) may bring no new track event: after every
// negotiation, every active subscribed stream gets its tile (and its audio) from the receiver.
function reconcile() {
  const pc = feed && feed.webrtcStuff && feed.webrtcStuff.pc;
  if (!pc) return;
  for (const transceiver of pc.getTransceivers()) {
    const info = transceiver.mid !== null && mids.get(transceiver.mid);
    const track = transceiver.receiver.track;
    if (!info || !track || !subscribedFeeds.has(info.feed)) continue;
    if (track.kind === 'audio') {
      const audio = document.getElementById(`audio-${transceiver.mid}`);
      if (!audio || audio.srcObject.getAudioTracks()[0] !== track) onRemoteTrack(track, transceiver.mid, true);
      continue;
    }
    const video = document.querySelector(`#${tileId(info.feed, info.source)} video`);
    if (!video || !video.srcObject || video.srcObject.getVideoTracks()[0] !== track) showTile(info.feed, info.source, track);
  }
}

function onRemoteTrack(track, mid, added) {
  const info = mids.get(mid);
  if (track.kind === 'audio') {
    const id = `audio-${mid}`;
    document.getElementById(id)?.remove();
    if (added && info) {
      const audio = el('audio', { id, autoplay: true });
      audio.srcObject = new MediaStream([track]);
      audio.muted = $('media').classList.contains('sound-off');
      $('remote-audio').append(audio);
    }
    return;
  }
  if (!info) return;
  if (!added) { removeTile(info.feed, info.source); return; }
  // A stream that stopped meanwhile (unpublished) gets no tile.
  if (!subscribedFeeds.has(info.feed)) return;
  showTile(info.feed, info.source, track);
}

export function setRoomAudio(on_) {
  $('media').classList.toggle('sound-off', !on_);
  for (const audio of document.querySelectorAll('#remote-audio audio')) audio.muted = !on_;
}

// ---- wiring ---------------------------------------------------------------------------------

export function start(janus, handle) {
  participantHandle = handle;
  document.body.append(el('div', { id: 'remote-audio', hidden: true }));
  janus.attach({
    plugin: 'janus.plugin.roomrec',
    success: (handle_) => {
      feed = handle_;
      for (const p of room.participants.values()) subscribeTo(p);
    },
    onmessage: onFeedMessage,
    onremotetrack: onRemoteTrack,
    error: () => notify('Could not receive the room\'s video.', { kind: 'error' }),
  });
  $('btn-camera').onclick = toggleCamera;
  $('btn-present').onclick = togglePresent;
  $('btn-mic').onclick = toggleMic;
  renderButtons();
  layout();
}

export function onCleanup() {
  if (cleanupWaiter) { cleanupWaiter(); cleanupWaiter = null; }
}

// The page moves to another room on the same Janus session: its subscriber handle goes too.
export function leave() {
  const subscriber = feed;
  stopAll();
  if (subscriber) subscriber.detach({ error: () => {} });
}

// The page left the room (or lost it): nothing of this membership is kept.
export function stopAll() {
  stopLocal();
  for (const id of [...subscribedFeeds]) forget(id);
  document.querySelectorAll('.tile').forEach((tile) => tile.remove());
  document.getElementById('remote-audio')?.remove();
  mids.clear();
  feed = null;
  feedJoined = false;
  queue = Promise.resolve();
  if (settle) settle();
  layout();
}

on('published', (message) => {
  const p = room.participants.get(message.id);
  if (!p) return;
  p.streams = message.streams;
  // A renegotiation may drop a source: its tile goes now.
  for (const source of ['webcam', 'stage']) {
    if (!message.streams.some((s) => s.source === source && s.type === 'video')) removeTile(message.id, source);
  }
  subscribeTo(p);
});
on('unpublished', (message) => {
  const p = room.participants.get(message.id);
  if (p) p.streams = [];
  forget(message.id);
});
on('participant_left', (message) => forget(message.id));
on('publishing', () => { local.publishing = true; renderButtons(); });
on('stage', (message) => {
  if (message.participant !== room.me.id) return;
  room.onStage = message.on_stage;
  if (!message.on_stage) stopLocal();
  renderButtons();
  emit('my-stage', message);
});
on('labels', refreshLabels);

