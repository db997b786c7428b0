// The analytics dashboard (SPEC W2, A1-A10): one room session's reports through the plugin's
// `report` request, custom CSV / PDF exports through `export` + `export_status` (docs/API.md).
// It speaks the Janus HTTP API itself (fetch + long poll) rather than janus.js: the reports are
// answered as events carrying the request's transaction, which janus.js does not hand to the
// page, and a refused request must show as a message, not as a console error.
'use strict';

(() => {
  const params = new URLSearchParams(location.search);
  const janusUrl = params.get('janus') || `${location.protocol}//${location.hostname}:8088/janus`;
  const PAGE = 20;
  const $ = (id) => document.getElementById(id);
  const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

  const state = { room: '', credential: {}, session: '', attOffset: 0, heatOffset: 0, search: '', total: 0, heatTotal: 0 };

  // ---------- small DOM helpers ----------
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  }
  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
    for (const child of children) node.append(child);
    return node;
  }
  const num = (value) => (value === null || value === undefined ? '—' : numberFormat.format(value));
  const pct = (value) => (value === null || value === undefined ? '—' : `${numberFormat.format(value)} %`);
  const when = (iso) => (iso ? dateTimeFormat.format(new Date(iso)) : '—');
  const clock = (iso) => (iso ? timeFormat.format(new Date(iso)) : '—');
  function notice(text) { $('notice').textContent = text; }
  function problem(text) {
    $('problem').textContent = text;
    $('problem').hidden = !text;
  }

  // A table from column definitions [{title, value(row) -> text|Node, numeric}].
  function table(caption, columns, rows, empty) {
    if (!rows.length) return el('p', { class: 'muted', text: empty });
    const head = el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', class: c.numeric ? 'num' : null, text: c.title })));
    const body = rows.map((row) => el('tr', {}, ...columns.map((c, i) => {
      const value = c.value(row);
      const cell = el(i === 0 ? 'th' : 'td', { scope: i === 0 ? 'row' : null, class: c.numeric ? 'num' : null });
      cell.append(value instanceof Node ? value : String(value));
      return cell;
    })));
    return el('table', {}, el('caption', { class: 'visually-hidden', text: caption }), el('thead', {}, head), el('tbody', {}, ...body));
  }

  // ---------- the Janus HTTP API ----------
  class PluginError extends Error {
    constructor(code, message, data) { super(message); this.code = code; this.data = data; }
  }
  const janus = {
    session: null, handle: null, pending: new Map(), polling: false,
    tx() { return Math.random().toString(36).slice(2) + Date.now().toString(36); },
    async post(path, body) {
      let response;
      try {
        response = await fetch(janusUrl + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      } catch (error) {
        throw new PluginError(0, `Cannot reach the server at ${janusUrl}.`);
      }
      const answer = await response.json();
      if (answer.janus === 'error') throw new PluginError(answer.error.code, answer.error.reason);
      return answer;
    },
    async connect() {
      if (this.handle) return;
      this.session = (await this.post('', { janus: 'create', transaction: this.tx() })).data.id;
      this.handle = (await this.post(`/${this.session}`, { janus: 'attach', plugin: 'janus.plugin.roomrec', transaction: this.tx() })).data.id;
      this.poll();
      setInterval(() => { this.post(`/${this.session}`, { janus: 'keepalive', transaction: this.tx() }).catch(() => {}); }, 25000);
    },
    async poll() {
      if (this.polling) return;
      this.polling = true;
      while (this.session) {
        try {
          const response = await fetch(`${janusUrl}/${this.session}?maxev=10&rid=${Date.now()}`);
          let events = await response.json();
          if (!Array.isArray(events)) events = [events];
          for (const event of events) this.dispatch(event);
        } catch (error) {
          await new Promise((resolve) => setTimeout(resolve, 2000));
        }
      }
    },
    dispatch(event) {
      const waiting = event.transaction && this.pending.get(event.transaction);
      if (!waiting || event.janus !== 'event') return;
      this.pending.delete(event.transaction);
      clearTimeout(waiting.timer);
      const data = event.plugindata && event.plugindata.data;
      if (!data) waiting.reject(new PluginError(0, 'The server sent an empty answer.'));
      else if (data.error_code) waiting.reject(new PluginError(data.error_code, data.error, data));
      else waiting.resolve(data);
    },
    // A plugin request: its synchronous answer, or the event with its transaction.
    async request(body) {
      await this.connect();
      const transaction = this.tx();
      const answered = new Promise((resolve, reject) => {
        const timer = setTimeout(() => { this.pending.delete(transaction); reject(new PluginError(0, 'The server did not answer in time.')); }, 30000);
        this.pending.set(transaction, { resolve, reject, timer });
      });
      const answer = await this.post(`/${this.session}/${this.handle}`, { janus: 'message', body, transaction });
      if (answer.janus === 'success') {
        const waiting = this.pending.get(transaction);
        this.pending.delete(transaction);
        clearTimeout(waiting.timer);
        const data = answer.plugindata && answer.plugindata.data;
        if (data && data.error_code) throw new PluginError(data.error_code, data.error, data);
        return data;
      }
      return answered;
    },
  };

  // What a refused or failed request means to the person looking at the page.
  function explain(error) {
    switch (error.code) {
      case 447: return 'That token or secret is not valid for this room (wrong, expired or for another room).';
      case 448: return 'You cannot see this room\'s analytics: only the room\'s owner, its hosts and operators can.';
      case 445: return 'This room has no analytics yet: nobody has joined it since analytics were turned on.';
      case 463: return 'That session of the room is not known.';
      case 462: return 'The analytics database is not reachable right now. Try again in a minute.';
      case 457: return 'Too many requests in a short time. Wait a few seconds and try again.';
      case 464: return `This server cannot do that now (${error.message}).`;
      case 0: return error.message;
      default: return `The server refused the request (${error.code}): ${error.message}`;
    }
  }

  async function report(name, extra = {}) {
    const body = Object.assign({ request: 'report', room: state.room, report: name }, state.credential, extra);
    if (state.session && name !== 'sessions') body.session = state.session;
    for (let attempt = 0; ; attempt++) {
      try {
        return (await janus.request(body)).data;
      } catch (error) {
        if (error.code === 457 && attempt < 2 && error.data && error.data.retry_after_ms < 10000) {
          await new Promise((resolve) => setTimeout(resolve, error.data.retry_after_ms + 50));
          continue;
        }
        throw error;
      }
    }
  }

  // ---------- sections ----------
  function renderOverview(data) {
    const share = (block) => (block ? `${num(block.users)} people (${pct(block.users_percent)})` : '');
    const tiles = [
      ['Live viewers', num(data.live_unique_viewers), 'unique people live', 'live_unique_viewers'],
      ['Recording viewers', num(data.recording_unique_viewers), 'unique people who watched a recording', 'recording_unique_viewers'],
      ['Average minutes viewed', num(data.average_minutes_viewed), 'per live viewer', 'average_minutes_viewed'],
      ['Live engagement', pct(data.live_engagement_rate), 'time-weighted', 'live_engagement_rate'],
      ['Reactions', num(data.reactions.count), share(data.reactions), 'reactions'],
      ['Chat messages', num(data.chat_messages.count), share(data.chat_messages), 'chat_messages'],
      ['Raised hands', num(data.raised_hands.count), share(data.raised_hands), 'raised_hands'],
      ['Polls', num(data.polls.count), `${num(data.polls.answers)} answers · ${share(data.polls)}`, 'polls'],
      ['Q&A threads', num(data.qa_threads.count), share(data.qa_threads), 'qa_threads'],
      ['Downloads', num(data.downloads.count), share(data.downloads), 'downloads'],
      ['Recording plays', num(data.recording_plays), 'plays of this session\'s recordings', 'recording_plays'],
      ['Duration', `${num(data.duration_minutes)} min`, `${when(data.started_at)} – ${clock(data.ended_at)}`, 'duration_minutes'],
    ];
    $('tiles').replaceChildren(...tiles.map(([title, value, sub, key]) =>
      el('div', { class: 'tile', 'data-key': key }, el('h3', { text: title }), el('p', { class: 'value', text: value }), el('p', { class: 'sub', text: sub }))));
  }

  const REACTION_COLORS = ['#e07a1f', '#2a9d8f', '#8e44ad', '#c0392b', '#2471a3', '#7f8c8d'];
  function renderTimeline(data) {
    const minutes = data.minutes || [];
    const box = $('timeline');
    if (!minutes.length) {
      box.replaceChildren(el('p', { class: 'muted', text: 'No minutes recorded for this session.' }));
      $('timeline-table').replaceChildren();
      return;
    }
    state.timeline = data;
    const types = [...new Set(minutes.flatMap((m) => Object.keys(m.reactions || {})))].sort();
    // Drawn at the box's own width, so the labels keep their size on a phone.
    const W = Math.max(320, Math.min(1200, box.clientWidth || 800)), H = W < 500 ? 240 : 280, L = 36, R = 44, T = 16, B = 34;
    const plotW = W - L - R, plotH = H - T - B;
    const maxViewers = Math.max(4, Math.ceil(Math.max(...minutes.map((m) => m.live_unique_viewers)) / 4) * 4);
    const maxReactions = Math.max(1, ...minutes.map((m) => Object.values(m.reactions || {}).reduce((a, b) => a + b, 0)));
    const step = plotW / minutes.length;
    const x = (i) => L + step * (i + 0.5);
    const yViewers = (v) => T + plotH - (v / maxViewers) * plotH;
    const yRate = (v) => T + plotH - (v / 100) * plotH;
    const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': 'timeline-svg-title', class: 'timeline-svg' });
    chart.append(svg('title', { id: 'timeline-svg-title' }, `Live viewers (up to ${maxViewers}) and engagement rate per minute, ${minutes.length} minutes`));
    for (let k = 0; k <= 4; k++) { // grid and both axes
      const y = T + (plotH * k) / 4;
      chart.append(svg('line', { x1: L, x2: W - R, y1: y, y2: y, class: 'grid' }));
      chart.append(svg('text', { x: L - 6, y: y + 4, 'text-anchor': 'end', class: 'axis' }, String(Math.round(maxViewers * (1 - k / 4)))));
      chart.append(svg('text', { x: W - R + 6, y: y + 4, class: 'axis' }, `${100 - 25 * k}%`));
    }
    const labelEvery = Math.max(1, Math.ceil(minutes.length / Math.max(2, Math.floor(plotW / 90))));
    minutes.forEach((m, i) => {
      if (i % labelEvery === 0) chart.append(svg('text', { x: x(i), y: H - B + 18, 'text-anchor': 'middle', class: 'axis' }, clock(m.minute)));
      let base = T + plotH; // reactions: stacked bars, scaled to a third of the plot
      types.forEach((type, t) => {
        const count = (m.reactions || {})[type] || 0;
        if (!count) return;
        const h = (count / maxReactions) * plotH / 3;
        base -= h;
        chart.append(svg('rect', { x: x(i) - step * 0.3, y: base, width: step * 0.6, height: h, fill: REACTION_COLORS[t % REACTION_COLORS.length], class: 'bar' }));
      });
    });
    const line = (key, y) => minutes.map((m, i) => (m[key] === null ? null : `${x(i)},${y(m[key])}`)).filter(Boolean).join(' ');
    chart.append(svg('polyline', { points: line('live_unique_viewers', yViewers), class: 'viewers' }));
    chart.append(svg('polyline', { points: line('engagement_rate', yRate), class: 'rate' }));
    minutes.forEach((m, i) => { // a hover target per minute with its figures
      const reactions = Object.entries(m.reactions || {}).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
      const hit = svg('rect', { x: x(i) - step / 2, y: T, width: step, height: plotH, class: 'hit' });
      hit.append(svg('title', {}, `${clock(m.minute)}: ${m.live_unique_viewers} viewers, engagement ${pct(m.engagement_rate)}, reactions: ${reactions}`));
      chart.append(hit);
    });
    const legend = el('ul', { class: 'legend' },
      el('li', {}, el('i', { class: 'swatch viewers' }), 'Live viewers (left axis)'),
      el('li', {}, el('i', { class: 'swatch rate' }), 'Engagement rate (right axis)'),
      ...types.map((type, t) => el('li', {}, el('i', { class: 'swatch', style: `background:${REACTION_COLORS[t % REACTION_COLORS.length]}` }), `Reactions: ${type}`)));
    box.replaceChildren(chart, legend);
    $('timeline-table').replaceChildren(table('Per minute', [
      { title: 'Minute', value: (m) => clock(m.minute) },
      { title: 'Live viewers', value: (m) => num(m.live_unique_viewers), numeric: true },
      { title: 'Engagement', value: (m) => pct(m.engagement_rate), numeric: true },
      ...types.map((type) => ({ title: type, value: (m) => num((m.reactions || {})[type] || 0), numeric: true })),
    ], minutes, ''));
  }

  function showTip(anchor, details) {
    const tip = $('tip');
    tip.replaceChildren(el('dl', {},
      ...[['Name', details.name], ['Role', details.role], ['Company', details.company], ['Industry', details.industry], ['Country', details.country]]
        .flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v || '—' })])));
    tip.hidden = false;
    const box = anchor.getBoundingClientRect();
    const host = tip.offsetParent ? tip.offsetParent.getBoundingClientRect() : { left: 0, top: 0 };
    tip.style.left = `${Math.max(0, box.left - host.left)}px`;
    tip.style.top = `${box.bottom - host.top + 4}px`;
  }
  function hideTip() { $('tip').hidden = true; }

  function renderAttendees(data) {
    state.total = data.total;
    const nameButton = (a) => {
      const button = el('button', { type: 'button', class: 'linkish', 'aria-describedby': 'tip', 'data-user': a.user, text: a.name || a.user });
      const show = () => showTip(button, a.details || a);
      button.addEventListener('mouseenter', show);
      button.addEventListener('focus', show);
      button.addEventListener('mouseleave', hideTip);
      button.addEventListener('blur', hideTip);
      button.addEventListener('keydown', (event) => { if (event.key === 'Escape') hideTip(); });
      return button;
    };
    $('attendees').replaceChildren(table('Attendees', [
      { title: 'Name', value: nameButton },
      { title: 'Role', value: (a) => a.role },
      { title: 'Minutes viewed', value: (a) => num(a.minutes_viewed), numeric: true },
      { title: 'Engagement', value: (a) => pct(a.engagement_rate), numeric: true },
      { title: 'Reactions', value: (a) => num(a.reactions), numeric: true },
      { title: 'Chat', value: (a) => num(a.chat_messages), numeric: true },
      { title: 'Hands', value: (a) => num(a.raised_hands), numeric: true },
      { title: 'Polls', value: (a) => num(a.polls_answered), numeric: true },
      { title: 'Q&A', value: (a) => num(a.qa_threads), numeric: true },
      { title: 'Downloads', value: (a) => num(a.downloads), numeric: true },
    ], data.attendees, state.search ? `Nobody's name matches “${state.search}”.` : 'Nobody attended this session.'));
    pager('att', state.attOffset, data.total);
  }

  function pager(prefix, offset, total) {
    const pages = Math.max(1, Math.ceil(total / PAGE));
    $(`${prefix}-page`).textContent = `Page ${Math.floor(offset / PAGE) + 1} of ${pages} (${total} in all)`;
    $(`${prefix}-prev`).disabled = offset === 0;
    $(`${prefix}-next`).disabled = offset + PAGE >= total;
  }

  function renderHeatmap(data) {
    state.heatTotal = data.total;
    if (!data.rows.length) {
      $('heatmap').replaceChildren(el('p', { class: 'muted', text: 'Nobody attended this session.' }));
      pager('heat', 0, 0);
      return;
    }
    const first = new Date(data.first_minute);
    const cellName = { E: 'engaged', N: 'not engaged', '.': 'offline' };
    const grid = el('div', { class: 'heat', role: 'table', 'aria-label': `Engagement per minute from ${clock(data.first_minute)}` });
    for (const row of data.rows) {
      const cells = [...row.cells];
      const engaged = cells.filter((c) => c === 'E').length;
      const online = cells.filter((c) => c !== '.').length;
      const line = el('div', { class: 'heat-row', role: 'row', 'data-user': row.user });
      line.append(el('span', { class: 'heat-name', role: 'rowheader', text: row.name || row.user }));
      const strip = el('span', { class: 'heat-cells', role: 'cell', 'aria-label': `${engaged} of ${cells.length} minutes engaged, ${online} online` });
      cells.forEach((c, i) => {
        const minute = new Date(first.getTime() + i * 60000);
        strip.append(el('i', { class: `cell ${c === '.' ? 'O' : c}`, title: `${clock(minute.toISOString())}: ${cellName[c] || c}` }));
      });
      line.append(strip);
      grid.append(line);
    }
    const last = new Date(first.getTime() + (data.minutes - 1) * 60000);
    const scale = el('div', { class: 'heat-row heat-scale', 'aria-hidden': 'true' }, el('span', { class: 'heat-name' }),
      el('span', { class: 'heat-ends' }, el('span', { text: clock(first.toISOString()) }),
        data.minutes > 1 ? el('span', { text: clock(last.toISOString()) }) : null));
    grid.append(scale);
    grid.style.setProperty('--minutes', String(data.minutes));
    $('heatmap').replaceChildren(grid);
    pager('heat', state.heatOffset, data.total);
  }

  function minutesSeconds(seconds) { return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`; }
  function renderStage(data) {
    $('stage').replaceChildren(table('Time on stage', [
      { title: 'Name', value: (s) => s.name || s.user },
      { title: 'Role', value: (s) => s.role },
      { title: 'Time on stage', value: (s) => minutesSeconds(s.seconds), numeric: true },
    ], data.stage || [], 'Nobody was on stage.'));
    $('media').replaceChildren(table('Presented media', [
      { title: 'Presenter', value: (m) => m.name || m.user },
      { title: 'Source', value: (m) => m.source },
      { title: 'From', value: (m) => clock(m.from) },
      { title: 'To', value: (m) => clock(m.to) },
      { title: 'Length', value: (m) => minutesSeconds(m.seconds), numeric: true },
    ], data.media || [], 'Nothing was presented.'));
  }

  function renderRecordings(data) {
    $('recordings').replaceChildren(table('Recordings', [
      { title: 'Recording', value: (r) => r.title || r.recording },
      { title: 'Started', value: (r) => when(r.started_at) },
      { title: 'Length', value: (r) => `${num(r.duration_ms / 60000)} min`, numeric: true },
      { title: 'Impressions', value: (r) => num(r.impressions), numeric: true },
      { title: 'Plays', value: (r) => num(r.plays), numeric: true },
      { title: 'Viewers', value: (r) => num(r.unique_viewers), numeric: true },
      { title: 'Minutes viewed', value: (r) => num(r.minutes_viewed), numeric: true },
      { title: 'Average completion', value: (r) => pct(r.average_completion), numeric: true },
    ], data.recordings || [], 'This session was not recorded.'));
  }

  function renderGeography(data) {
    const list = (title, items, key) => {
      const max = Math.max(1, ...items.map((i) => i.viewers));
      return el('div', { class: 'geo-list' }, el('h3', { text: title }),
        items.length ? el('ul', { class: 'bars' }, ...items.map((item) =>
          el('li', {}, el('span', { class: 'bar-label', text: item[key] }),
            el('span', { class: 'bar-track', 'aria-hidden': 'true' }, el('span', { class: 'bar-fill', style: `width:${(100 * item.viewers) / max}%` })),
            el('span', { class: 'bar-value', text: num(item.viewers) })))) : el('p', { class: 'muted', text: 'No viewers.' }));
    };
    $('geography').replaceChildren(
      list('Live: countries', data.live.countries, 'country'),
      list('Live: devices', data.live.devices, 'device'),
      list('Recordings: countries', data.recording.countries, 'country'),
      list('Recordings: devices', data.recording.devices, 'device'));
  }

  // ---------- loading ----------
  async function loadAttendees() {
    const extra = { offset: state.attOffset, limit: PAGE };
    if (state.search) extra.search = state.search;
    renderAttendees(await report('attendees', extra));
  }
  async function loadHeatmap() {
    renderHeatmap(await report('heatmap', { offset: state.heatOffset, limit: PAGE }));
  }
  async function guarded(task) {
    try {
      problem('');
      await task();
    } catch (error) {
      problem(explain(error));
    }
  }

  async function loadSession() {
    notice('Loading the session\'s reports…');
    $('main').setAttribute('aria-busy', 'true');
    const [overview, timeline, stage, recordings, geography] = await Promise.all(
      ['overview', 'timeline', 'stage', 'recordings', 'geography'].map((name) => report(name)));
    renderOverview(overview);
    renderTimeline(timeline);
    renderStage(stage);
    renderRecordings(recordings);
    renderGeography(geography);
    $('session-when').textContent = `${when(overview.started_at)} – ${clock(overview.ended_at)}`;
    await loadAttendees();
    await loadHeatmap();
    $('main').removeAttribute('aria-busy');
    document.body.dataset.loaded = state.session;
    notice(`Showing session ${state.session}, figures up to about a minute ago.`);
  }

  async function open(room, credential) {
    state.room = room;
    state.credential = credential;
    const data = await report('sessions');
    if (!data.sessions.length) throw new PluginError(445, 'no sessions');
    const select = $('session');
    select.replaceChildren(...data.sessions.map((s) => el('option', { value: s.session, text: `${s.title || s.session} — ${when(s.first_at)} (${s.live_unique_viewers} viewers)` })));
    state.session = params.get('session') && data.sessions.some((s) => s.session === params.get('session')) ? params.get('session') : data.sessions[0].session;
    select.value = state.session;
    $('signin').hidden = true;
    $('main').hidden = false;
    $('where').textContent = `Room ${room}`;
    await loadSession();
  }

  // ---------- exports ----------
  const ids = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
  function customRequest(form) {
    const body = { report: form.report.value, bom: form.bom.checked, descriptive_headers: form.descriptive_headers.checked };
    if (form.range.value === 'custom') {
      if (!form.fromDate.value || !form.toDate.value) throw new PluginError(0, 'Choose both the first and the last day of the report.');
      if (form.fromDate.value > form.toDate.value) throw new PluginError(0, 'The first day must not be after the last day.');
      body.fromDate = form.fromDate.value;
      body.toDate = form.toDate.value;
    } else {
      body.range = form.range.value;
    }
    const filters = {};
    for (const name of ['user_ids', 'cue_point_ids', 'virtual_event_ids']) if (ids(form[name].value).length) filters[name] = ids(form[name].value);
    if (Object.keys(filters).length) body.filters = filters;
    return body;
  }

  function download(url) {
    const link = el('a', { href: url, download: '', hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
  }

  // An export delivered as a link: queued, then produced by the server; the page asks until ready.
  async function exportAndDownload(what, body) {
    notice(`Preparing ${what}…`);
    const queued = await janus.request(Object.assign({ request: 'export', room: state.room, delivery: 'link' }, state.credential, body));
    const deadline = Date.now() + 120000;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 800));
      const status = await janus.request(Object.assign({ request: 'export_status', room: state.room, export: queued.export }, state.credential));
      if (status.state === 'ready') {
        download(status.url);
        notice(`${what[0].toUpperCase()}${what.slice(1)} is ready${status.rows !== undefined && status.format === 'csv' ? ` (${status.rows} rows)` : ''}: your download has started.`);
        return;
      }
      if (status.state === 'failed') throw new PluginError(0, `The server could not produce ${what}: ${status.error}`);
    }
    throw new PluginError(0, `${what} is taking long; try again later.`);
  }

  // ---------- wiring ----------
  function busy(button, task) {
    return async () => {
      button.disabled = true;
      await guarded(task);
      button.disabled = false;
    };
  }

  $('signin').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    const button = form.querySelector('button');
    button.disabled = true;
    problem('');
    notice('Opening…');
    try {
      await open(form.room.value.trim(), { [form.kind.value]: form.credential.value });
    } catch (error) {
      notice('');
      problem(explain(error));
      $('main').hidden = true;
      $('signin').hidden = false;
    }
    button.disabled = false;
  });
  $('session').addEventListener('change', () => {
    state.session = $('session').value;
    state.attOffset = 0;
    state.heatOffset = 0;
    guarded(loadSession);
  });
  $('refresh').addEventListener('click', busy($('refresh'), loadSession));
  $('pdf').addEventListener('click', busy($('pdf'), () => exportAndDownload('the PDF summary', { format: 'pdf', session: state.session })));

  let searchTimer = null;
  $('search').addEventListener('input', () => {
    clearTimeout(searchTimer);
    const text = $('search').value.trim();
    if (text.length > 0 && text.length < 3) {
      $('search-hint').textContent = 'Type at least 3 letters of a name.';
      return;
    }
    $('search-hint').textContent = '';
    searchTimer = setTimeout(() => {
      state.search = text;
      state.attOffset = 0;
      guarded(async () => {
        await loadAttendees();
        $('search-hint').textContent = text ? `${state.total} found` : '';
      });
    }, 300);
  });
  $('att-prev').addEventListener('click', () => { state.attOffset = Math.max(0, state.attOffset - PAGE); guarded(loadAttendees); });
  $('att-next').addEventListener('click', () => { state.attOffset += PAGE; guarded(loadAttendees); });
  $('heat-prev').addEventListener('click', () => { state.heatOffset = Math.max(0, state.heatOffset - PAGE); guarded(loadHeatmap); });
  $('heat-next').addEventListener('click', () => { state.heatOffset += PAGE; guarded(loadHeatmap); });

  const custom = $('custom');
  custom.range.addEventListener('change', () => {
    for (const label of custom.querySelectorAll('.dates')) label.hidden = custom.range.value !== 'custom';
  });
  custom.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = custom.querySelector('button[type=submit]');
    busy(button, () => exportAndDownload('the CSV report', Object.assign({ format: 'csv' }, customRequest(custom))))();
  });
  $('email-export').addEventListener('click', busy($('email-export'), async () => {
    const email = custom.email.value.trim();
    if (!email || !custom.email.checkValidity()) throw new PluginError(0, 'Enter the email address the link should go to.');
    await janus.request(Object.assign({ request: 'export', room: state.room, format: 'csv', email }, state.credential, customRequest(custom)));
    notice(`Export queued: a link to the CSV (valid 7 days) will be emailed to ${email}.`);
  }));

  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (state.timeline) renderTimeline(state.timeline); }, 200);
  });
  if (params.get('room')) $('signin').room.value = params.get('room');
})();
