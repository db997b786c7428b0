// Group chat: messages with replies, likes, delete (the author, hosts and moderators) and
// "Report" (flag), plus the moderation queue hosts and moderators work through.
import { $, el, notify, clockTime } from './ui.js';
import { room, on, act, isLead } from './state.js';

const messages = new Map();   // id → message {id, participant, sent_at, text, reply_to?}
const liked = new Set();
let replyTo = null;
let unread = 0;

// Thread states from the server: pending → owned (claimed by a lead) → resolved → done.
const STATE_LABEL = { pending: 'Waiting for review', owned: 'Being reviewed', resolved: 'Resolved', done: 'Closed' };

function snippet(text, length = 60) { return text.length > length ? `${text.slice(0, length)}…` : text; }

function messageItem(m) {
  const mine = m.participant.id === room.me.id;
  const parent = m.reply_to && messages.get(m.reply_to);
  const likes = m.likes || 0;
  const item = el('li', { id: `chat-${m.id}`, class: mine ? 'message mine' : 'message' },
    el('div', { class: 'meta' }, el('strong', {}, m.participant.display || 'Guest'), ' ',
      el('time', { datetime: new Date(m.sent_at).toISOString() }, clockTime(m.sent_at))),
    m.reply_to ? el('blockquote', { class: 'quote' },
      parent ? `${parent.participant.display}: ${snippet(parent.text)}` : 'A message no longer shown') : null,
    el('p', { class: 'text' }, m.text),
    el('div', { class: 'msg-actions' },
      el('button', {
        class: 'small like', disabled: liked.has(m.id) || mine, 'aria-pressed': String(liked.has(m.id)),
        onclick: () => like(m),
      }, `👍 Like${likes ? ` · ${likes}` : ''}`),
      el('button', { class: 'small', onclick: () => startReply(m) }, 'Reply'),
      mine || isLead() ? el('button', { class: 'small', onclick: () => remove(m) }, 'Delete') : null,
      mine ? null : el('button', { class: 'small', onclick: () => flag(m) }, 'Report')));
  return item;
}

function show(m) {
  messages.set(m.id, m);
  const existing = document.getElementById(`chat-${m.id}`);
  const item = messageItem(m);
  if (existing) { existing.replaceWith(item); return; }
  // A new message scrolls the chat panel (never the page) when you are at its end.
  const panel = $('panel-chat');
  const atEnd = panel.scrollHeight - panel.scrollTop - panel.clientHeight < 80;
  $('chat').append(item);
  if (atEnd) panel.scrollTop = panel.scrollHeight;
}

async function like(m) {
  if (await act({ request: 'chat', action: 'like', message: m.id })) { liked.add(m.id); show(m); }
}

async function remove(m) {
  await act({ request: 'chat', action: 'delete', message: m.id });
}

async function flag(m) {
  if (await act({ request: 'chat', action: 'flag', message: m.id })) {
    notify('Thank you: the moderators will review this message.');
  }
}

function startReply(m) {
  replyTo = m;
  $('replying').hidden = false;
  $('replying').querySelector('span').textContent = `${m.participant.display}: ${snippet(m.text, 40)}`;
  $('chat-text').focus();
}

function cancelReply() { replyTo = null; $('replying').hidden = true; }

async function send(event) {
  event.preventDefault();
  const text = $('chat-text').value;
  if (!text.trim()) return;
  const body = { request: 'chat', action: 'send', text };
  if (replyTo) body.reply_to = replyTo.id;
  const reply = await act(body);
  if (!reply) return;   // kept in the box: the refusal says why and when to retry
  $('chat-text').value = '';
  cancelReply();
  show(reply.message);
}

// ---- moderation queue (hosts and moderators) -------------------------------------------------

const queue = new Map();   // message id → {state, owner}

function moderate(id, action) {
  return act({ request: 'moderate', action, message: id }).then((reply) => {
    if (reply && reply.state) { queue.set(id, { ...queue.get(id), state: reply.state }); renderQueue(); }
  });
}

function renderQueue() {
  const items = [...queue.entries()].filter(([, q]) => q.state !== 'done');
  $('moderation').hidden = !isLead() || items.length === 0;
  $('moderation-list').replaceChildren(...items.map(([id, q]) => {
    const m = messages.get(id);
    const buttons = {
      pending: [['claim', 'Review']],
      owned: [['resolve', 'Resolve'], ['release', 'Release']],
      resolved: [['reopen', 'Reopen'], ['close', 'Close']],
    }[q.state] || [];
    return el('li', { class: 'flagged' },
      el('p', {}, m ? `${m.participant.display}: ${snippet(m.text, 120)}` : 'A message no longer shown'),
      el('p', { class: 'muted small' }, `${STATE_LABEL[q.state] || q.state}${q.by ? ` — reported by ${q.by.display || 'someone'}` : ''}`),
      el('div', { class: 'msg-actions' },
        ...buttons.map(([action, label]) => el('button', { class: 'small', onclick: () => moderate(id, action) }, label)),
        m ? el('button', { class: 'small danger', onclick: () => remove(m) }, 'Delete message') : null));
  }));
}

export function start() {
  $('chat-form').onsubmit = send;
  $('cancel-reply').onclick = cancelReply;
  $('tab-chat').addEventListener('click', () => { unread = 0; $('chat-unread').textContent = ''; });
}

on('chat', (m) => {
  if (m.action === 'send') {
    show(m.message);
    if ($('panel-chat').hidden) { unread += 1; $('chat-unread').textContent = String(unread); }
  } else if (m.action === 'like') {
    const message = messages.get(m.message);
    if (message) { message.likes = m.likes; show(message); }
  } else if (m.action === 'delete') {
    messages.delete(m.message);
    document.getElementById(`chat-${m.message}`)?.replaceWith(el('li', { class: 'message deleted muted' }, 'Message deleted'));
    if (replyTo && replyTo.id === m.message) cancelReply();
    renderQueue();
  }
});
on('moderation', (m) => {
  queue.set(m.message, { ...queue.get(m.message), state: m.state, by: m.by || (queue.get(m.message) || {}).by });
  renderQueue();
});
