// The participant list (names, role badges, on-stage state, raised hands — never ids), your own
// raised hand, and the hosts' and moderators' actions on people: bring on / take off stage,
// lower a hand, remove from the room (after a confirmation).
import { $, el, notify, confirmAction, ROLE_LABEL } from './ui.js';
import { room, on, emit, act, isLead } from './state.js';

let myHand = false;

function personItem(p) {
  const mine = p.id === room.me.id;
  const presenting = (p.streams || []).some((s) => s.source === 'stage');
  const camera = (p.streams || []).some((s) => s.source === 'webcam' && s.type === 'video');
  const badges = el('span', { class: 'badges' },
    el('span', { class: `badge role-${p.role}` }, ROLE_LABEL[p.role] || p.role),
    p.on_stage ? el('span', { class: 'badge stage' }, 'On stage') : null,
    presenting ? el('span', { class: 'badge live' }, 'Presenting') : camera ? el('span', { class: 'badge live' }, 'Camera on') : null,
    p.hand ? el('span', { class: 'badge hand' }, '✋ Hand raised') : null);
  const item = el('li', { class: 'person', dataset: { id: p.id, name: p.display || '' } },
    el('span', { class: 'name' }, p.display || 'Guest', mine ? el('span', { class: 'muted' }, ' (you)') : null), badges);
  if (isLead() && !mine && !room.ended) {
    const actions = el('span', { class: 'actions' });
    if (p.role === 'viewer') {
      actions.append(el('button', {
        class: 'small', onclick: () => act({ request: 'stage', participant: p.id, on_stage: !p.on_stage }),
      }, p.on_stage ? 'Take off stage' : 'Bring on stage'));
    }
    if (p.hand) {
      actions.append(el('button', { class: 'small', onclick: () => lowerHand(p) }, 'Lower hand'));
    }
    if (!(room.role === 'moderator' && p.role === 'host')) {
      actions.append(el('button', { class: 'small danger', onclick: () => kick(p) }, 'Remove'));
    }
    item.append(actions);
  }
  return item;
}

async function lowerHand(p) {
  // The answer, not an event, tells the lead who lowered it.
  if (await act({ request: 'hand', participant: p.id, raised: false })) { p.hand = false; render(); }
}

async function kick(p) {
  const ok = await confirmAction({
    title: `Remove ${p.display || 'this person'}?`,
    text: 'They leave the room at once and cannot rejoin this session for an hour (unless you let them back in).',
    ok: 'Remove from room',
  });
  if (ok) await act({ request: 'kick', participant: p.id });
}

export function render() {
  const order = { host: 0, moderator: 1, speaker: 2, viewer: 3 };
  const people = [...room.participants.values()].sort((a, b) =>
    (b.hand ? 1 : 0) - (a.hand ? 1 : 0) || order[a.role] - order[b.role] || (a.display || '').localeCompare(b.display || ''));
  $('participants').replaceChildren(...people.map(personItem));
  $('people-count').textContent = String(people.length);
  emit('labels');
}

function renderHandButton() {
  $('btn-hand').textContent = myHand ? '✋ Lower hand' : '✋ Raise hand';
  $('btn-hand').setAttribute('aria-pressed', String(myHand));
}

async function toggleHand() {
  const reply = await act({ request: 'hand', raised: !myHand });
  if (!reply) return;
  myHand = !!reply.raised;
  const me = room.participants.get(room.me.id);
  if (me) me.hand = myHand;
  renderHandButton();
  render();
}

export function start(joined) {
  room.participants.clear();
  for (const p of joined.participants) room.participants.set(p.id, { ...p });
  room.participants.set(joined.id, {
    id: joined.id, user_id: joined.user_id, display: room.display, role: joined.role, on_stage: false, streams: [],
  });
  $('btn-hand').onclick = toggleHand;
  renderHandButton();
  render();
}

on('participant_joined', (m) => { room.participants.set(m.participant.id, { ...m.participant }); render(); });
on('participant_left', (m) => { room.participants.delete(m.id); render(); });
on('published', (m) => { const p = room.participants.get(m.id); if (p) p.streams = m.streams; render(); });
on('unpublished', (m) => { const p = room.participants.get(m.id); if (p) p.streams = []; render(); });
on('publishing', (m) => { const p = room.participants.get(room.me.id); if (p) p.streams = m.streams; render(); });
on('stage', (m) => {
  const p = room.participants.get(m.participant);
  if (p) p.on_stage = m.on_stage;
  if (m.participant === room.me.id) {
    notify(m.on_stage ? 'You were brought on stage: you can start your camera or present now.' : 'You were taken off stage.');
  }
  render();
});
on('hand', (m) => {
  const id = m.participant && m.participant.id;
  const p = room.participants.get(id);
  if (p) p.hand = m.raised;
  if (id === room.me.id) {
    myHand = m.raised;
    renderHandButton();
    if (m.by) notify(`${m.by.display} lowered your hand.`);
  } else if (m.raised && isLead()) {
    notify(`${m.participant.display} raised their hand.`);
  }
  render();
});
