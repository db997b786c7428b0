// Small DOM helpers shared by the room page: element lookup and creation, timed notifications
// (a live region), the confirmation dialog and locale-aware times.

export const $ = (id) => document.getElementById(id);

// el('button', {class: 'x', onclick: f}, 'text', child...) — text children are never parsed as HTML.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node[key] = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

// Puts a freshly built card in place of the one with its id, or adds it (first or last).
export function placeCard(container, card, { first = false } = {}) {
  const existing = document.getElementById(card.id);
  if (existing) existing.replaceWith(card);
  else if (first) container.prepend(card);
  else container.append(card);
}

const TOAST_MS = 7000;

// A notification that stays long enough to be read (never a flash), in arrival order.
// kind: 'info' | 'recording' | 'error'; link: {href, text} adds a link.
export function notify(text, { kind = 'info', link = null, ms = TOAST_MS } = {}) {
  const toast = el('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : null },
    el('span', { class: 'toast-text' }, text));
  if (link) toast.append(' ', el('a', { href: link.href, target: '_blank', rel: 'noopener' }, link.text));
  const close = el('button', { class: 'toast-close', 'aria-label': 'Dismiss notification', onclick: () => toast.remove() }, '×');
  toast.append(close);
  $('toasts').append(toast);
  // A notice with a link (the recording file) stays until dismissed: it is the way to the file.
  if (ms && !link) setTimeout(() => toast.remove(), ms);
  return toast;
}

// Resolves true when the user confirms.
export function confirmAction({ title, text, ok }) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-ok').textContent = ok;
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    $('confirm-cancel').focus();
  });
}

export const clockTime = (ms) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

// 0:07, 12:34, 1:02:03
export function elapsed(ms) {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export const ROLE_LABEL = { host: 'Host', moderator: 'Moderator', speaker: 'Speaker', viewer: 'Attendee' };
