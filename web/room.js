// Demo room page (W1, first part): join with a role, publish webcam + stage on one
// PeerConnection, subscribe to everyone, and the host/moderator controls (kick, stage, close,
// recording). Everyone sees when the session is being recorded (C2-C4). Reactions, hand,
// chat and heartbeats are in signals.js.
/* global Janus, Signals */
'use strict';

// ?janus=<url> points the page at another Janus (the tests use their own ports).
const JANUS_URL = new URLSearchParams(location.search).get('janus') || `http://${location.hostname}:8088/janus`;
const $ = (id) => document.getElementById(id);
const state = {
  janus: null, main: null, feed: null, me: null, role: null,
  participants: new Map(), subscribed: new Set(), labels: new Map(), // subscriber mid → caption
  recording: { state: 'idle' }, elapsedTimer: null,
};

// What everyone is told about the recording (C2, C4); hosts and moderators also get a counter.
const RECORDING_TEXT = {
  starting: 'Recording will start momentarily',
  started: 'This session is being recorded',
  recording: 'This session is being recorded',
  stopped: 'Recording ended, starting upload',
  completed: 'Recording ended',
};

function renderRecording() {
  const rec = state.recording;
  const banner = $('recording-banner');
  const text = RECORDING_TEXT[rec.state];
  banner.hidden = !text;
  const elapsed = rec.started_at && (rec.state === 'started' || rec.state === 'recording')
    ? ` — ${new Date(Date.now() - rec.started_at).toISOString().slice(11, 19)}` : '';
  banner.textContent = text ? `● ${text}${elapsed}` : '';
  const record = $('record');
  record.hidden = !rec.can_control;
  const running = ['starting', 'started', 'recording'].includes(rec.state);
  record.textContent = running ? 'Stop recording' : 'Start recording';
  record.disabled = rec.state === 'stopped';
}

function onRecording(message) {
  state.recording = { ...state.recording, ...message };
  if (message.state === 'available') {
    log(`recording stored: ${message.location}${message.gaps ? ` (${message.gaps} gap(s))` : ''}`);
    state.recording.state = 'idle';
  } else if (message.state === 'failed') {
    log(`recording failed: ${message.error}`, true);
    state.recording.state = 'idle';
  } else {
    log(`recording ${message.state}${message.reason ? ` (${message.reason})` : ''}`);
  }
  if (!['started', 'recording', 'starting'].includes(state.recording.state)) delete state.recording.started_at;
  clearInterval(state.elapsedTimer);
  if (state.recording.started_at) state.elapsedTimer = setInterval(renderRecording, 1000);
  renderRecording();
}

function toggleRecording() {
  const running = ['starting', 'started', 'recording'].includes(state.recording.state);
  send(state.main, { request: running ? 'stop_recording' : 'start_recording' }).catch((e) => log(e.message, true));
}

function log(text, isError) {
  const line = document.createElement('div');
  line.textContent = `${new Date().toLocaleTimeString()} ${text}`;
  if (isError) line.className = 'error';
  $('log').prepend(line);
}

function send(handle, body, jsep) {
  return new Promise((resolve, reject) => handle.send({
    message: body, jsep,
    success: (data) => (data && data.error_code ? reject(new Error(`${data.error_code}: ${data.error}`)) : resolve(data)),
    error: (error) => reject(new Error(error)),
  }));
}

function renderParticipants() {
  const list = $('participants');
  list.replaceChildren();
  const leads = state.role === 'host' || state.role === 'moderator';
  for (const p of state.participants.values()) {
    const item = document.createElement('li');
    item.textContent = `${p.display} (${p.role}${p.on_stage ? ', on stage' : ''})` +
      (p.streams && p.streams.length ? ` — ${p.streams.map((s) => `${s.source} ${s.type}`).join(', ')}` : '');
    if (leads) {
      const kick = document.createElement('button');
      kick.textContent = 'kick';
      kick.onclick = () => send(state.main, { request: 'kick', participant: p.id }).catch((e) => log(e.message, true));
      item.append(kick);
      if (p.role === 'viewer') {
        const stage = document.createElement('button');
        stage.textContent = p.on_stage ? 'off stage' : 'on stage';
        stage.onclick = () => send(state.main, { request: 'stage', participant: p.id, on_stage: !p.on_stage })
          .catch((e) => log(e.message, true));
        item.append(stage);
      }
    }
    list.append(item);
  }
  $('close').hidden = !leads;
}

// Mids of the video m-lines in our offer: the first is the webcam, the second the stage.
function describeVideo(sdp) {
  const descriptions = [];
  let kind = null;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) kind = line.slice(2).split(' ')[0];
    if (line.startsWith('a=mid:') && kind === 'video') {
      descriptions.push({ mid: line.slice(6), description: descriptions.length === 0 ? 'webcam' : 'stage' });
    }
  }
  return descriptions;
}

// Headless browsers have no screen capture: a moving canvas stands in for shared content.
function stageTrack() {
  const canvas = document.createElement('canvas');
  canvas.width = 1280; canvas.height = 720;
  const context = canvas.getContext('2d');
  let frame = 0;
  setInterval(() => {
    frame += 1;
    context.fillStyle = `hsl(${frame % 360}, 60%, 40%)`;
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.fillStyle = '#fff';
    context.font = '64px sans-serif';
    context.fillText(`Shared slide ${Math.floor(frame / 30)}`, 80, 360);
  }, 33);
  return canvas.captureStream(30).getVideoTracks()[0];
}

function publish() {
  const tracks = [
    { type: 'audio', capture: true, recv: false },
    { type: 'video', capture: true, recv: false },
    { type: 'video', capture: stageTrack(), recv: false },
  ];
  state.main.createOffer({
    tracks,
    success: (jsep) => send(state.main, { request: 'publish', descriptions: describeVideo(jsep.sdp) }, jsep)
      .catch((e) => log(`publish refused: ${e.message}`, true)),
    error: (error) => log(`cannot capture media: ${error}`, true),
  });
}

function subscribeTo(participant) {
  if (!participant.streams || participant.streams.length === 0 || state.subscribed.has(participant.id)) return;
  state.subscribed.add(participant.id);
  const streams = [{ feed: participant.id }];
  const request = state.feed.joined
    ? { request: 'subscribe', streams }
    : { request: 'join', ptype: 'subscriber', room: state.me.room, private_id: state.me.private_id, streams };
  state.feed.joined = true;
  send(state.feed, request).catch((e) => log(`subscribe failed: ${e.message}`, true));
}

function attachFeedHandle() {
  state.janus.attach({
    plugin: 'janus.plugin.roomrec',
    success: (handle) => {
      state.feed = handle;
      for (const p of state.participants.values()) subscribeTo(p);
    },
    onmessage: (message, jsep) => {
      if (message.error_code) log(`subscriber: ${message.error}`, true);
      for (const stream of message.streams || []) {
        const owner = state.participants.get(stream.feed);
        const published = owner && (owner.streams || []).find((s) => s.mid === stream.feed_mid);
        state.labels.set(stream.mid, `${owner ? owner.display : stream.feed} — ${published ? published.source : stream.type}`);
      }
      if (jsep && jsep.type === 'offer') {
        state.feed.createAnswer({
          jsep, tracks: [{ type: 'data' }],
          success: (answer) => send(state.feed, { request: 'start' }, answer).catch((e) => log(e.message, true)),
          error: (error) => log(`answer failed: ${error}`, true),
        });
      }
    },
    onremotetrack: (track, mid, on) => {
      const id = `remote-${mid}`;
      let figure = document.getElementById(id);
      if (!on) { if (figure) figure.remove(); return; }
      if (track.kind === 'audio') {
        const audio = document.createElement('audio');
        audio.autoplay = true; audio.srcObject = new MediaStream([track]); audio.id = id;
        document.body.append(audio);
        return;
      }
      if (!figure) {
        figure = document.createElement('figure');
        figure.id = id;
        figure.innerHTML = '<video autoplay playsinline muted></video><figcaption></figcaption>';
        figure.querySelector('figcaption').textContent = state.labels.get(mid) || `stream ${mid}`;
        $('videos').append(figure);
      }
      figure.querySelector('video').srcObject = new MediaStream([track]);
    },
  });
}

function onRoomEvent(message, jsep) {
  if (jsep && jsep.type === 'answer') state.main.handleRemoteJsep({ jsep });
  if (Signals.onEvent(message)) return;
  switch (message.roomrec) {
    case 'joined':
      state.me = message;
      state.role = message.role;
      for (const p of message.participants) state.participants.set(p.id, p);
      $('status').textContent = `in room ${message.room} (${message.title}) as ${message.role}`;
      $('join').hidden = true;
      $('room').hidden = false;
      state.recording = message.recording || { state: 'idle' };
      renderRecording();
      attachFeedHandle();
      Signals.start((body) => send(state.main, body), log);
      break;
    case 'recording': onRecording(message); break;
    case 'participant_joined':
      state.participants.set(message.participant.id, message.participant);
      log(`${message.participant.display} joined as ${message.participant.role}`);
      break;
    case 'participant_left': {
      const gone = state.participants.get(message.id);
      state.participants.delete(message.id);
      state.subscribed.delete(message.id);
      log(`${gone ? gone.display : message.id} ${message.reason}`);
      break;
    }
    case 'published': {
      const p = state.participants.get(message.id);
      if (p) { p.streams = message.streams; subscribeTo(p); }
      log(`participant ${message.id} publishes ${message.streams.length} stream(s)`);
      break;
    }
    case 'unpublished': {
      const p = state.participants.get(message.id);
      if (p) p.streams = [];
      state.subscribed.delete(message.id);
      break;
    }
    case 'stage': {
      const p = state.participants.get(message.participant);
      if (p) p.on_stage = message.on_stage;
      log(`participant ${message.participant} ${message.on_stage ? 'brought on' : 'taken off'} stage`);
      break;
    }
    case 'publishing': log(`publishing ${message.streams.length} stream(s)`); break;
    case 'kicked': log('you were removed from the room', true); $('status').textContent = 'kicked'; Signals.stop(); break;
    case 'room_closed':
      log(`room closed (${message.reason})`, true);
      $('status').textContent = 'room closed';
      Signals.stop();
      break;
    default:
      if (message.error_code) {
        log(`${message.error_code}: ${message.error}`, true);
        if (!state.me) $('status').textContent = `join refused: ${message.error}`;
      }
  }
  renderParticipants();
}

function join(form) {
  const values = Object.fromEntries(new FormData(form));
  const body = {
    request: 'join', room: values.room,
    user: { display: values.display, client: values.client, user_agent: navigator.userAgent },
  };
  // Who joins is the token's user, or a guest id the server gives a room secret's holder.
  if (values.token) body.token = values.token; else { body.role = values.role; body.secret = values.secret; }
  state.janus.attach({
    plugin: 'janus.plugin.roomrec',
    success: (handle) => {
      state.main = handle;
      // join is answered asynchronously: the "joined" event (or an error) arrives in onmessage.
      send(handle, body).catch((error) => log(`join failed: ${error.message}`, true));
    },
    onmessage: onRoomEvent,
    onlocaltrack: (track, on) => {
      if (on && track.kind === 'video' && !$('local').srcObject) $('local').srcObject = new MediaStream([track]);
    },
    error: (error) => log(`attach failed: ${error}`, true),
  });
}

Janus.init({
  debug: false,
  callback: () => {
    state.janus = new Janus({
      server: JANUS_URL,
      success: () => { $('status').textContent = 'connected'; },
      error: (error) => { $('status').textContent = `Janus unreachable: ${error}`; },
    });
  },
});

$('join').addEventListener('submit', (event) => { event.preventDefault(); join(event.target); });
$('publish').onclick = publish;
$('unpublish').onclick = () => send(state.main, { request: 'unpublish' }).catch((e) => log(e.message, true));
$('leave').onclick = () => send(state.main, { request: 'leave' }).then(() => location.reload());
$('close').onclick = () => send(state.main, { request: 'close' }).catch((e) => log(e.message, true));
$('record').onclick = toggleRecording;
