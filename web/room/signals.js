// Reactions as floating animations everyone sees (with the rate limit explained when the server
// refuses one) and the attention heartbeat (E2): every 10 s, and soon after the page is hidden,
// shown or goes full screen, the bits the page really knows — tab visible and focused, full
// screen, room audio playing unmuted, camera on.
import { $, el } from './ui.js';
import { room, on, act, RoomError } from './state.js';
import { cameraOn, soundOn } from './media.js';

const REACTIONS = [
  ['clap', '👏', 'Clap'], ['heart', '❤️', 'Love'], ['think', '🤔', 'Thinking'], ['wow', '😮', 'Wow'], ['smile', '🙂', 'Smile'],
];
const SYMBOL = Object.fromEntries(REACTIONS.map(([name, symbol]) => [name, symbol]));
const HEARTBEAT_MS = 10000;
const HEARTBEAT_MIN_GAP_MS = 5000;

let heartbeat = null;
let lastBeat = 0;
let cooldown = null;

function animate(reaction, who) {
  const layer = $('reaction-layer');
  const bubble = el('span', { class: 'floating', style: `--x:${10 + Math.random() * 70}%` },
    el('span', { class: 'symbol' }, SYMBOL[reaction] || '✨'), el('span', { class: 'who' }, who));
  layer.append(bubble);
  setTimeout(() => bubble.remove(), 3500);
}

function explainLimit(error) {
  const note = $('rate-note');
  const buttons = [...document.querySelectorAll('#reactions button')];
  let left = Math.ceil((error.retryAfterMs || 2000) / 1000);
  const tell = () => {
    note.textContent = `You are reacting too fast (${error.message}). Reactions are limited so everyone's stay visible; the buttons come back in ${left} s.`;
  };
  buttons.forEach((b) => { b.disabled = true; });
  note.hidden = false;
  tell();
  clearInterval(cooldown);
  cooldown = setInterval(() => {
    left -= 1;
    if (left > 0) { tell(); return; }
    clearInterval(cooldown);
    note.hidden = true;
    buttons.forEach((b) => { b.disabled = false; });
  }, 1000);
}

async function react(name) {
  const reply = await act({ request: 'react', reaction: name }, { quiet: true });
  if (reply) animate(name, 'You');
}

async function beat() {
  if (room.ended) return;
  lastBeat = Date.now();
  await act({
    request: 'heartbeat',
    focused: document.visibilityState === 'visible' && document.hasFocus(),
    fullscreen: !!document.fullscreenElement,
    sound: soundOn(),
    camera: cameraOn(),
  }, { quiet: true });
}

// A change the server should hear about soon: beat now if allowed, else at the earliest moment.
function beatSoon() {
  if (room.ended || !heartbeat) return;
  clearTimeout(heartbeat);
  const wait = Math.max(0, lastBeat + HEARTBEAT_MIN_GAP_MS - Date.now());
  heartbeat = setTimeout(function tick() {
    beat();
    heartbeat = setTimeout(tick, HEARTBEAT_MS);
  }, wait);
}

export function start() {
  $('reactions').replaceChildren(...REACTIONS.map(([name, symbol, label]) =>
    el('button', { dataset: { reaction: name }, onclick: () => react(name) }, `${symbol} ${label}`)));
  heartbeat = setTimeout(() => {}, 0);
  beatSoon();
  for (const [target, event] of [[document, 'visibilitychange'], [document, 'fullscreenchange'], [window, 'focus'], [window, 'blur']]) {
    target.addEventListener(event, beatSoon);
  }
}

export function stop() { clearTimeout(heartbeat); heartbeat = null; clearInterval(cooldown); }

on('reaction', (m) => animate(m.reaction, m.participant.display));
on('refused', ({ body, error }) => {
  if (body.request === 'react' && error instanceof RoomError && error.code === 457) explainLimit(error);
  else if (body.request === 'react') $('rate-note').textContent = error.message;
});
