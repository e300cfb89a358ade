import { get, post, qs } from './api.js';
import { h, render, errorBox, pager, fmtTime, say } from './dom.js';
import { current } from './state.js';

const LIMIT = 50;
const STM_PAGE = 100; // STM events rendered at once: a 10,000-event STM is browsed by pages

export async function show(_args, query) {
  const offset = Number(query.get('offset') || 0);
  const idInput = h('input', { id: 'open-session', type: 'text', value: current.session, placeholder: 'session-…', spellcheck: 'false' });
  const open = h('form', { class: 'row', onsubmit: ev => {
    ev.preventDefault();
    if (idInput.value.trim()) location.hash = '#/session/' + encodeURIComponent(idInput.value.trim());
  } }, h('label', { for: 'open-session' }, 'Open session by id'), idInput, h('button', { type: 'submit' }, 'Open'));
  const body = h('div', {}, h('p', {}, 'Loading…'));
  render('Sessions', open, body);
  let data;
  try {
    data = await get('/console/api/sessions' + qs({ offset, limit: LIMIT }));
  } catch (e) {
    body.replaceChildren(errorBox(e));
    return;
  }
  if (!data.sessions.length) {
    body.replaceChildren(h('p', {}, 'No live session. ', h('a', { href: '#/try' }, 'Start one in Try it.')));
    return;
  }
  body.replaceChildren(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'sessions-table' },
    h('caption', {}, `${data.total} live session${data.total === 1 ? '' : 's'}`),
    h('thead', {}, h('tr', {}, ['Session', 'Node', 'Created', 'Expires', 'STM events']
      .map((c, i) => h('th', { scope: 'col', class: i === 4 ? 'num' : null }, c)))),
    h('tbody', {}, data.sessions.map(s => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: '#/session/' + encodeURIComponent(s.session_id), class: 'mono' }, s.session_id)),
      h('td', {}, s.node_id),
      h('td', {}, fmtTime(s.created_at)),
      h('td', {}, fmtTime(s.expires_at)),
      h('td', { class: 'num' }, s.stm_length === null ? '–' : s.stm_length)))))),
    pager(data.total, offset, LIMIT, o => { location.hash = '#/sessions' + qs({ offset: o }); }, 'Session pages'));
}

/** The nine per-session settings (spec 02 §5.1) and how to edit them. */
export const SETTINGS = [
  { key: 'max_pattern_length', type: 'int', min: 0, def: 0, help: 'Auto-learn once the STM has this many events; 0 = learn only on request.' },
  { key: 'stm_mode', type: 'enum', values: ['CLEAR', 'ROLLING'], def: 'CLEAR', help: 'What stays in the STM after an auto-learn.' },
  { key: 'persistence', type: 'int', min: 1, max: 100, def: 5, help: 'Length of each pattern’s rolling window of emotives.' },
  { key: 'recall_threshold', type: 'float', min: 0, max: 1, step: 0.05, def: 0.1, help: 'Minimum similarity for a pattern to be predicted.' },
  { key: 'max_predictions', type: 'int', min: 1, max: 10000, def: 100, help: 'Most predictions returned.' },
  { key: 'use_token_matching', type: 'bool', def: true, help: 'Match whole symbols (on) or characters (off).' },
  { key: 'sort_symbols', type: 'bool', def: true, help: 'Sort the strings of each observation.' },
  { key: 'process_predictions', type: 'bool', def: true, help: 'Compute predictions on every observation.' },
  { key: 'indexer_type', type: 'enum', values: ['VI', 'LSH', 'ANNOY', 'FAISS'], def: 'VI', help: 'Vector indexer (only VI exists).' },
];

/** A form editing the given settings of a session; onSaved() after a 200. */
export function configForm(sessionId, config, keys, onSaved, idPrefix = 'cfg') {
  const inputs = {};
  const fields = SETTINGS.filter(s => keys.includes(s.key)).map(s => {
    const id = `${idPrefix}-${s.key}`;
    const v = config[s.key] ?? s.def;
    let input;
    if (s.type === 'bool') input = h('input', { id, type: 'checkbox', checked: !!v });
    else if (s.type === 'enum') input = h('select', { id }, s.values.map(x => h('option', { value: x, selected: x === v }, x)));
    else input = h('input', { id, type: 'number', value: v, min: s.min, max: s.max, step: s.step || 1 });
    inputs[s.key] = { s, input };
    return h('div', { class: 'field' },
      h('label', { for: id }, s.key), input, h('span', { class: 'help' }, s.help, config[s.key] === undefined ? ' (service default)' : ''));
  });
  const msg = h('p', { class: 'formmsg', 'aria-live': 'polite' });
  const form = h('form', { class: 'config', onsubmit: async ev => {
    ev.preventDefault();
    const update = {};
    for (const [k, { s, input }] of Object.entries(inputs)) {
      if (s.type === 'bool') update[k] = input.checked;
      else if (s.type === 'enum') update[k] = input.value;
      else update[k] = Number(input.value);
    }
    try {
      await post(`/sessions/${encodeURIComponent(sessionId)}/config`, { config: update });
      msg.textContent = 'Saved.';
      msg.className = 'formmsg ok';
      say('Configuration saved.', 'ok');
      if (onSaved) await onSaved(update);
    } catch (e) {
      msg.textContent = e.message;
      msg.className = 'formmsg error';
    }
  } }, fields, h('button', { type: 'submit', id: `${idPrefix}-save` }, 'Save configuration'), msg);
  return form;
}

export async function showOne([sessionId]) {
  current.session = sessionId;
  const body = h('div', {}, h('p', {}, 'Loading…'));
  render('Session', h('p', { class: 'mono' }, sessionId), body);
  let info, stm;
  try {
    info = await get(`/sessions/${encodeURIComponent(sessionId)}`);
    stm = await get(`/sessions/${encodeURIComponent(sessionId)}/stm`);
  } catch (e) {
    body.replaceChildren(errorBox(e));
    return;
  }
  current.node = info.node_id;
  let cognition = null;
  try {
    cognition = (await get('/cognition-data' + qs({ node_id: info.node_id }))).cognition_data;
  } catch (_) { /* shown as unavailable */ }
  const emotives = cognition ? cognition.emotives : null;
  body.replaceChildren(
    h('div', { class: 'cards' },
      h('section', { class: 'card', 'aria-labelledby': 's-info' },
        h('h2', { id: 's-info' }, 'Session'),
        h('dl', { class: 'kv' },
          h('dt', {}, 'Node'), h('dd', {}, h('a', { href: '#/patterns' + qs({ node: info.node_id }) }, info.node_id)),
          h('dt', {}, 'Created'), h('dd', {}, fmtTime(info.created_at)),
          h('dt', {}, 'Expires'), h('dd', {}, fmtTime(info.expires_at)),
          h('dt', {}, 'STM events'), h('dd', { id: 'stm-length' }, stm.length)),
        h('p', {}, h('a', { class: 'button', href: '#/predictions/' + encodeURIComponent(sessionId) }, 'Explain predictions'), ' ',
          h('a', { class: 'button', href: '#/try' }, 'Observe / learn'))),
      h('section', { class: 'card', 'aria-labelledby': 's-emo' },
        h('h2', { id: 's-emo' }, 'Emotives'),
        h('p', { class: 'help' }, 'Running average of the node’s emotives since its last learn or clear (from /cognition-data).'),
        kvTable(emotives, 'No emotives observed.')),
      h('section', { class: 'card', 'aria-labelledby': 's-meta' },
        h('h2', { id: 's-meta' }, 'Metadata'),
        kvTable(info.metadata, 'No metadata.'))),
    h('section', { 'aria-labelledby': 's-stm' }, h('h2', { id: 's-stm' }, 'Short-term memory'), stmTimeline(stm.stm)),
    h('section', { 'aria-labelledby': 's-cfg' }, h('h2', { id: 's-cfg' }, 'Configuration'),
      configForm(sessionId, info.session_config || {}, SETTINGS.map(s => s.key), null)));
}

function kvTable(obj, empty) {
  if (!obj || !Object.keys(obj).length) return h('p', { class: 'muted' }, empty);
  return h('dl', { class: 'kv' }, Object.entries(obj).map(([k, v]) =>
    [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))]));
}

/**
 * Events as a numbered timeline, one page of STM_PAGE events at a time, so that thousands of events
 * never become thousands of DOM nodes at once. Opens on the newest page (opts.first: the first).
 */
export function stmTimeline(events, marks, opts = {}) {
  const wrap = h('div', { class: 'timeline-wrap' });
  if (!events.length) {
    wrap.appendChild(h('p', { class: 'muted' }, opts.empty || 'The STM is empty.'));
    return wrap;
  }
  const symbol = opts.symbol || (s => h('span', { class: 'sym' }, s));
  const prefix = opts.prefix || 't';
  const draw = offset => {
    const ol = h('ol', { class: 'timeline', id: opts.id, start: offset + 1, 'aria-label': (opts.label || 'STM events') + ', oldest first' },
      events.slice(offset, offset + STM_PAGE).map((ev, i) => h('li', { class: 'event' },
        h('span', { class: 'evno' }, `${prefix}${offset + i + 1}`),
        ev.map(symbol),
        marks ? marks(offset + i) : null)));
    wrap.replaceChildren(ol);
    if (events.length > STM_PAGE) wrap.appendChild(pager(events.length, offset, STM_PAGE, draw, (opts.label || 'STM') + ' pages'));
  };
  draw(opts.first ? 0 : Math.floor((events.length - 1) / STM_PAGE) * STM_PAGE);
  return wrap;
}
