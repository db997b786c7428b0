// What the page knows about the room and itself, the room-event bus every part listens on, and
// the one way to send a request (errors become a readable notification, never an unhandled
// rejection).
import { notify } from './ui.js';

export const room = {
  me: null,            // the `joined` answer: id, user_id, private_id, room, title, role
  role: null,
  client: 'desktop',
  onStage: false,
  participants: new Map(), // id → {id, user_id, display, role, on_stage, streams, hand}
  ended: false,        // left, kicked, closed or disconnected: nothing more is sent
  send: null,          // (body) → Promise of the synchronous answer (room.js sets it)
  proof: null,         // how this person joined: {token} or {role, secret} (the library link carries it)
};

export const isLead = () => room.role === 'host' || room.role === 'moderator';
export const canPublish = () => ['host', 'moderator', 'speaker'].includes(room.role) || room.onStage;
export const nameOf = (id) => (room.participants.get(id) || {}).display || 'Someone';

const listeners = new Map();
export function on(kind, handler) {
  if (!listeners.has(kind)) listeners.set(kind, []);
  listeners.get(kind).push(handler);
}
export function emit(kind, message) {
  for (const handler of listeners.get(kind) || []) handler(message);
}

// A refused request as people read it; the server's text says the details.
export class RoomError extends Error {
  constructor(code, text, retryAfterMs) {
    super(text);
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

const FRIENDLY = {
  445: 'There is no room with that id. Check the invitation.',
  447: 'That password or invitation is not valid, or it has expired.',
  448: 'You are not allowed to do that in your role.',
  449: 'You are no longer in the room.',
  453: 'The room is full.',
  455: 'The recording is busy: it is already running or still being stored.',
  456: 'The recorder could not start. Ask the operator to check the server.',
  458: 'That item no longer exists.',
  468: 'This room is hosted on another server, which could not be reached. Try again in a moment.',
};

export function describeError(error) {
  if (!(error instanceof RoomError)) return `Something went wrong: ${error.message || error}`;
  if (error.code === 457 || error.code === 459 || error.code === 460 || error.code === 443) return error.message;
  return FRIENDLY[error.code] || error.message;
}

// Sends a request and shows a refusal to the user. Resolves with the answer or null.
export async function act(body, { quiet = false } = {}) {
  if (room.ended || !room.send) return null;
  try {
    return await room.send(body);
  } catch (error) {
    if (room.ended) return null;
    if (!quiet) notify(describeError(error), { kind: 'error' });
    emit('refused', { body, error });
    return null;
  }
}
