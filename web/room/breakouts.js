// Breakout rooms (SPEC R8) on the room page: hosts and moderators of a room open breakouts, move
// people into them (a select per person) and close them; whoever is moved is told and the page
// joins the breakout, and when it closes, the main room again (room.js's switchRoom).
import { $, el, notify } from './ui.js';
import { room, on, act, isLead } from './state.js';

let breakouts = [];   // [{room, title, participants}] of this room, as the server last said
let switchRoom = null; // (message) → the page leaves this room and joins message.room with message.token

const inBreakout = () => !!(room.me && room.me.parent);
const manages = () => isLead() && !inBreakout();

function render() {
  if (!room.me || !manages()) return;
  $('no-breakouts').hidden = breakouts.length > 0;
  $('breakouts').replaceChildren(...breakouts.map((b) => el('li', { class: 'breakout', dataset: { room: b.room } },
    el('span', { class: 'name' }, b.title),
    el('span', { class: 'muted' }, ` · ${b.participants} ${b.participants === 1 ? 'person' : 'people'}`),
    el('button', { class: 'small danger', onclick: () => closeBreakout(b) }, 'Close'))));
  const others = [...room.participants.values()].filter((p) => p.id !== room.me.id)
    .sort((a, b) => (a.display || '').localeCompare(b.display || ''));
  $('breakout-people').replaceChildren(...others.map((p) => {
    const select = el('select', { 'aria-label': `Breakout room for ${p.display || 'Guest'}` },
      ...breakouts.map((b) => el('option', { value: b.room }, b.title)));
    return el('li', { class: 'person', dataset: { name: p.display || '' } },
      el('span', { class: 'name' }, p.display || 'Guest'), select,
      el('button', { class: 'small', disabled: breakouts.length === 0, onclick: () => move(p, select.value) }, 'Move'));
  }));
  $('breakout-assign').hidden = breakouts.length === 0 || others.length === 0;
}

function update(answer) {
  if (!answer) return;
  breakouts = answer.breakouts || [];
  render();
}

async function open(event) {
  event.preventDefault();
  const form = $('breakout-form');
  const title = form.title.value.trim();
  const count = Number(form.count.value) || 1;
  if (!title) { notify('Give the breakout rooms a title.', { kind: 'error' }); return; }
  update(await act({ request: 'breakout', action: 'open', title, count }));
}

async function move(p, breakout) {
  if (!breakout) return;
  const answer = await act({ request: 'breakout', action: 'move', breakout, participants: [p.id] });
  if (answer) notify(`${p.display || 'Guest'} was moved to ${(breakouts.find((b) => b.room === breakout) || {}).title || breakout}.`);
  update(answer);
}

async function closeBreakout(b) {
  update(await act({ request: 'breakout', action: 'close', breakout: b.room }));
}

export function refresh() {
  if (manages()) act({ request: 'breakout', action: 'list' }, { quiet: true }).then(update);
}

export function start(onSwitch) {
  switchRoom = onSwitch;
  $('tab-breakouts').hidden = !manages();
  if (!manages() && $('tab-breakouts').getAttribute('aria-selected') === 'true') $('tab-people').click();
  $('room-kind').hidden = !inBreakout();
  $('breakout-form').onsubmit = open;
  breakouts = [];
  refresh();
}

on('breakouts', update);
on('breakout', (m) => {
  if (m.action === 'moved') notify(`You were moved to ${m.title}.`);
  else if (m.action === 'closed') notify(`The breakout room was closed. Back to ${m.title}.`);
  else return;
  switchRoom(m);
});
// People come and go (to their breakouts, among others): the people to assign follow; the
// counts come with the server's `breakouts` events.
for (const kind of ['participant_joined', 'participant_left']) on(kind, () => render());
