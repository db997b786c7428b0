// Room signals on the demo page (E2-E5, docs/API.md "Room signals"): reaction buttons, a
// raised hand, group chat with likes, and the 10 s attention heartbeat. room.js calls
// Signals.start(send, log) once joined and passes every room event to Signals.onEvent.
'use strict';

const Signals = (() => {
  const REACTIONS = { clap: '👏', heart: '❤️', think: '🤔', wow: '😮', smile: '🙂' };
  let sendRequest = null;
  let logLine = null;
  let heartbeat = null;
  let handRaised = false;
  const el = (id) => document.getElementById(id);

  function request(body) {
    return sendRequest(body).catch((error) => logLine(error.message, true));
  }

  function showMessage(message) {
    const item = document.createElement('li');
    item.id = `chat-${message.id}`;
    const text = document.createElement('span');
    text.textContent = `${message.participant.display}: ${message.text}`;
    const like = document.createElement('button');
    like.textContent = '👍';
    like.title = 'like';
    like.onclick = () => request({ request: 'chat', action: 'like', message: message.id });
    item.append(text, like);
    el('chat').append(item);
  }

  // The bits the page can see; the server adds "on stage" itself.
  function beat() {
    const camera = !!document.getElementById('local').srcObject;
    const sound = [...document.querySelectorAll('#videos video')].some((video) => !video.muted && !video.paused);
    request({ request: 'heartbeat', focused: document.hasFocus(), fullscreen: !!document.fullscreenElement, sound, camera });
  }

  function start(send, log) {
    sendRequest = send;
    logLine = log;
    const bar = el('reactions');
    bar.replaceChildren();
    for (const [name, symbol] of Object.entries(REACTIONS)) {
      const button = document.createElement('button');
      button.textContent = symbol;
      button.title = name;
      button.dataset.reaction = name;
      button.onclick = () => request({ request: 'react', reaction: name });
      bar.append(button);
    }
    el('hand').onclick = () => {
      handRaised = !handRaised;
      el('hand').textContent = handRaised ? 'Lower hand' : 'Raise hand';
      request({ request: 'hand', raised: handRaised });
    };
    el('chat-form').onsubmit = (event) => {
      event.preventDefault();
      const text = el('chat-text').value;
      if (!text.trim()) return;
      el('chat-text').value = '';
      request({ request: 'chat', action: 'send', text }).then((reply) => reply && showMessage(reply.message));
    };
    beat();
    heartbeat = setInterval(beat, 10000);
  }

  function stop() { clearInterval(heartbeat); }

  // True if the event was a signal (handled here).
  function onEvent(message) {
    switch (message.roomrec) {
      case 'reaction':
        logLine(`${message.participant.display} reacted ${REACTIONS[message.reaction] || message.reaction}`);
        return true;
      case 'hand':
        if (message.by) logLine(`${message.by.display} lowered ${message.participant.display}'s hand`);
        else logLine(`${message.participant.display} ${message.raised ? 'raised' : 'lowered'} a hand`);
        return true;
      case 'attachment':
        logLine(`${message.participant.display} shared ${message.title}`);
        return true;
      case 'chat':
        if (message.action === 'send') showMessage(message.message);
        else if (message.action === 'like') logLine(`message ${message.message} has ${message.likes} like(s)`);
        else if (message.action === 'delete') el(`chat-${message.message}`)?.remove();
        return true;
      case 'poll': case 'qa': case 'moderation':
        logLine(`${message.roomrec}: ${message.action || message.state}`);
        return true;
      default:
        return false;
    }
  }

  return { start, stop, onEvent };
})();
