// Polls (hosts and moderators create and close them and watch live results; everyone answers
// once) and Q&A (everyone asks; hosts, moderators and speakers answer).
import { $, el, notify, placeCard } from './ui.js';
import { room, on, act, isLead } from './state.js';

const polls = new Map();      // id → {id, question, options, counts?, closed, mine?: choice}
const questions = new Map();  // id → {id, name, text, answers: [{name, text}]}

const idOf = (value) => (value && typeof value === 'object' ? value.id : value);

// ---- polls ----------------------------------------------------------------------------------

function results(poll) {
  const total = (poll.counts || []).reduce((a, b) => a + b, 0);
  return el('ul', { class: 'results', 'aria-label': 'Results' }, ...poll.options.map((option, i) => {
    const count = (poll.counts || [])[i] || 0;
    const percent = total ? Math.round((100 * count) / total) : 0;
    return el('li', {},
      el('span', { class: 'option' }, option),
      el('span', { class: 'bar', style: `--value:${percent}%` }),
      el('span', { class: 'figure' }, `${count} (${percent} %)`));
  }), el('li', { class: 'muted small' }, `${total} vote${total === 1 ? '' : 's'}`));
}

function pollCard(poll) {
  const card = el('li', { class: 'card poll', id: `poll-${poll.id}` },
    el('h3', {}, poll.question), poll.closed ? el('p', { class: 'badge' }, 'Closed') : null);
  if (poll.mine === undefined && !poll.closed) {
    const form = el('form', { class: 'stack', onsubmit: (event) => vote(event, poll) },
      el('fieldset', {}, el('legend', { class: 'sr-only' }, poll.question),
        ...poll.options.map((option, i) => el('label', { class: 'inline' },
          el('input', { type: 'radio', name: 'choice', value: String(i), required: true }), ` ${option}`))),
      el('button', { class: 'primary' }, 'Vote'));
    card.append(form);
  } else if (poll.mine !== undefined) {
    card.append(el('p', { class: 'muted' }, `Your vote: ${poll.options[poll.mine]}`));
  }
  if (isLead() || poll.closed) card.append(poll.counts ? results(poll) : el('p', { class: 'muted small' }, 'No votes yet.'));
  if (isLead() && !poll.closed) {
    card.append(el('button', { class: 'small', onclick: () => closePoll(poll) }, 'Close poll and show results'));
  }
  return card;
}

function showPoll(poll) {
  polls.set(poll.id, poll);
  placeCard($('polls'), pollCard(poll), { first: true });
  $('no-polls').hidden = true;
}

async function vote(event, poll) {
  event.preventDefault();
  const choice = Number(new FormData(event.target).get('choice'));
  if (await act({ request: 'poll', action: 'answer', poll: poll.id, choice })) showPoll({ ...poll, mine: choice });
}

async function closePoll(poll) {
  const reply = await act({ request: 'poll', action: 'close', poll: poll.id });
  if (reply) showPoll({ ...polls.get(poll.id), counts: reply.counts, closed: true });
}

async function createPoll(event) {
  event.preventDefault();
  const form = event.target;
  const question = form.question.value.trim();
  const options = form.options.value.split('\n').map((o) => o.trim()).filter(Boolean);
  if (!question || options.length < 2 || options.length > 10) {
    notify('A poll needs a question and 2 to 10 options, one per line.', { kind: 'error' });
    return;
  }
  const reply = await act({ request: 'poll', action: 'create', question, options });
  if (reply && reply.poll) { form.reset(); showPoll({ ...reply.poll }); }
}

// ---- Q&A ------------------------------------------------------------------------------------

const canAnswer = () => ['host', 'moderator', 'speaker'].includes(room.role);

function questionCard(q) {
  const card = el('li', { class: 'card question', id: `question-${q.id}` },
    el('p', { class: 'meta' }, el('strong', {}, q.name), ' asks'),
    el('p', { class: 'text' }, q.text),
    ...q.answers.map((a) => el('div', { class: 'answer' }, el('strong', {}, `${a.name}: `), a.text)));
  if (canAnswer()) {
    card.append(el('form', { class: 'compose', onsubmit: (event) => answer(event, q) },
      el('label', { class: 'sr-only', for: `answer-${q.id}` }, 'Answer'),
      el('input', { id: `answer-${q.id}`, name: 'text', required: true, maxlength: '2000', placeholder: 'Write an answer' }),
      el('button', { class: 'small primary' }, 'Answer')));
  }
  return card;
}

function showQuestion(q) {
  questions.set(q.id, q);
  placeCard($('questions'), questionCard(q));
  $('no-questions').hidden = true;
}

async function ask(event) {
  event.preventDefault();
  const text = event.target.text.value.trim();
  if (!text) return;
  const reply = await act({ request: 'qa', action: 'ask', text });
  if (reply && reply.question) {
    event.target.reset();
    showQuestion({ id: idOf(reply.question), name: 'You', text, answers: [] });
  }
}

async function answer(event, q) {
  event.preventDefault();
  const text = event.target.text.value.trim();
  if (!text) return;
  if (await act({ request: 'qa', action: 'answer', question: q.id, text })) {
    const current = questions.get(q.id);
    showQuestion({ ...current, answers: [...current.answers, { name: 'You', text }] });
  }
}

export function start() {
  $('poll-form').hidden = !isLead();
  $('poll-form').onsubmit = createPoll;
  $('qa-form').onsubmit = ask;
}

on('poll', (m) => {
  const id = idOf(m.poll);
  const known = polls.get(id);
  if (m.action === 'created') {
    showPoll({ ...m.poll });
    if (!isLead()) notify(`New poll: ${m.poll.question}`);
  } else if (m.action === 'results' && known) {
    showPoll({ ...known, counts: m.counts });
  } else if (m.action === 'closed' && known) {
    showPoll({ ...known, counts: m.counts, closed: true });
  }
});
on('qa', (m) => {
  const id = idOf(m.question);
  if (m.action === 'asked') {
    showQuestion({ id, name: m.participant.display, text: m.text, answers: [] });
  } else if (m.action === 'answered') {
    const q = questions.get(id) || { id, name: 'Someone', text: '', answers: [] };
    showQuestion({ ...q, answers: [...q.answers, { name: m.participant.display, text: m.text }] });
    if (q.name === 'You') notify(`${m.participant.display} answered your question.`);
  }
});
