import { get, post } from './api.js';
import { h, render, errorBox, say } from './dom.js';
import { current } from './state.js';
import { stmTimeline } from './sessions.js';

/** Try it: start a session, observe events, learn, clear the STM — all through the REST API. */
export async function show() {
  const nodeIn = h('input', { id: 'try-node', type: 'text', value: current.node || 'demo', spellcheck: 'false' });
  const sessionLine = h('p', { id: 'try-session' });
  const stmBox = h('div', { id: 'try-stm' });
  const result = h('pre', { id: 'try-result', class: 'result', 'aria-live': 'polite' });
  const symbols = h('input', { id: 'try-symbols', type: 'text', placeholder: 'e.g. hello world', spellcheck: 'false' });
  const emotives = h('input', { id: 'try-emotives', type: 'text', placeholder: 'optional, e.g. joy=0.8 fear=0.1', spellcheck: 'false' });

  const refresh = async () => {
    const s = current.session;
    if (!s) {
      sessionLine.replaceChildren('No session yet: start one.');
      stmBox.replaceChildren();
      return;
    }
    sessionLine.replaceChildren('Session ', h('a', { class: 'mono', href: '#/session/' + encodeURIComponent(s) }, s),
      ' · ', h('a', { href: '#/predictions/' + encodeURIComponent(s), id: 'try-explain' }, 'Explain its predictions'));
    try {
      const stm = await get(`/sessions/${encodeURIComponent(s)}/stm`);
      stmBox.replaceChildren(h('h2', {}, `Short-term memory (${stm.length} event${stm.length === 1 ? '' : 's'})`), stmTimeline(stm.stm));
    } catch (e) {
      stmBox.replaceChildren(errorBox(e));
      if (e.status === 404) current.session = '';
    }
  };
  const act = async (label, f) => {
    try {
      const r = await f();
      result.textContent = JSON.stringify(r, null, 2);
      say(label + ': done.', 'ok');
    } catch (e) {
      result.textContent = e.message;
      say(label + ': ' + e.message, 'error');
    }
    await refresh();
  };
  const sid = () => {
    if (!current.session) throw new Error('Start a session first.');
    return encodeURIComponent(current.session);
  };

  render('Try it',
    h('ol', { class: 'steps' },
      h('li', {}, 'Start a session on a node (a node is a namespace of knowledge).'),
      h('li', {}, 'Observe a few events, one by one: each event is a set of symbols.'),
      h('li', {}, 'Learn: the STM becomes a pattern of the node. Repeat with other sequences.'),
      h('li', {}, 'Observe the beginning of a sequence, then explain the predictions.')),
    h('form', { class: 'row', onsubmit: ev => {
      ev.preventDefault();
      act('Start session', async () => {
        const r = await post('/sessions', { node_id: nodeIn.value });
        current.session = r.session_id;
        current.node = r.node_id;
        return r;
      });
    } }, h('label', { for: 'try-node' }, 'Node'), nodeIn, h('button', { type: 'submit', id: 'try-start' }, 'Start session')),
    sessionLine,
    h('form', { class: 'row', onsubmit: ev => {
      ev.preventDefault();
      const strings = symbols.value.split(/[\s,]+/).filter(Boolean);
      const emo = {};
      for (const part of emotives.value.split(/[\s,]+/).filter(Boolean)) {
        const [k, v] = part.split('=');
        if (k && v !== undefined && !isNaN(Number(v))) emo[k] = Number(v);
      }
      act('Observe', async () => {
        const body = { strings };
        if (Object.keys(emo).length) body.emotives = emo;
        const r = await post(`/sessions/${sid()}/observe`, body);
        symbols.value = '';
        symbols.focus();
        return r;
      });
    } },
      h('label', { for: 'try-symbols' }, 'Symbols'), symbols,
      h('label', { for: 'try-emotives' }, 'Emotives'), emotives,
      h('button', { type: 'submit', id: 'try-observe' }, 'Observe')),
    h('div', { class: 'row' },
      h('button', { type: 'button', id: 'try-learn', onclick: () => act('Learn', async () => post(`/sessions/${sid()}/learn`)) }, 'Learn'),
      h('button', { type: 'button', id: 'try-clear', onclick: () => act('Clear STM', async () => post(`/sessions/${sid()}/clear-stm`)) }, 'Clear STM')),
    stmBox,
    h('h2', {}, 'Last response'), result);
  await refresh();
}
