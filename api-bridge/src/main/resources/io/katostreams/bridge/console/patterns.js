import { get, qs } from './api.js';
import { h, render, errorBox, pager, fmtTime, fmtNum } from './dom.js';
import { current } from './state.js';
import { stmTimeline } from './sessions.js';

const LIMIT = 50;

function nodeForm(node, extra = {}) {
  const input = h('input', { id: 'pattern-node', type: 'text', value: node, spellcheck: 'false', placeholder: 'node id' });
  return h('form', { class: 'row', onsubmit: ev => {
    ev.preventDefault();
    location.hash = '#/patterns' + qs({ node: input.value, ...extra });
  } }, h('label', { for: 'pattern-node' }, 'Node'), input, h('button', { type: 'submit' }, 'Show patterns'));
}

export async function show(_args, query) {
  const node = query.has('node') ? query.get('node') : current.node;
  const sort = query.get('sort') === 'name' ? 'name' : 'frequency';
  const offset = Number(query.get('offset') || 0);
  const symbol = query.get('symbol') || '';
  const symOffset = Number(query.get('soffset') || 0);
  const symSort = query.get('ssort') === 'name' ? 'name' : 'frequency';
  const link = over => '#/patterns' + qs({ node, sort, offset, symbol, soffset: symOffset, ssort: symSort, ...over });
  if (!node && !query.has('node')) {
    render('Patterns', nodeForm(''), h('p', {}, 'Choose a node (or pick one on the ', h('a', { href: '#/nodes' }, 'Nodes'), ' page).'));
    return;
  }
  current.node = node;
  const list = h('div', {}, h('p', {}, 'Loading…'));
  const syms = h('div', {}, h('p', {}, 'Loading…'));
  const sortSel = h('select', { id: 'pattern-sort', onchange: () => { location.hash = link({ sort: sortSel.value, offset: 0 }); } },
    h('option', { value: 'frequency', selected: sort === 'frequency' }, 'frequency (highest first)'),
    h('option', { value: 'name', selected: sort === 'name' }, 'name'));
  render('Patterns', nodeForm(node),
    h('div', { class: 'row' }, h('label', { for: 'pattern-sort' }, 'Sort by'), sortSel,
      symbol ? h('span', { class: 'filter' }, 'Only patterns containing ', h('span', { class: 'sym plain' }, symbol), ' ',
        h('a', { href: link({ symbol: '', offset: 0 }) }, 'show all')) : null),
    list,
    h('section', { 'aria-labelledby': 'sym-h' }, h('h2', { id: 'sym-h' }, 'Symbol statistics'), syms));
  try {
    const data = await get('/console/api/patterns' + qs({ node_id: node, sort, offset, limit: LIMIT, symbol }));
    if (!data.patterns.length) {
      list.replaceChildren(h('p', {}, symbol ? `No pattern of this node contains “${symbol}”.` : 'This node has no patterns yet.'));
    } else {
      list.replaceChildren(h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'patterns-table' },
        h('caption', {}, `${data.total} pattern${data.total === 1 ? '' : 's'} of node ${node}`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Pattern'), h('th', { scope: 'col', class: 'num' }, 'Frequency'),
          h('th', { scope: 'col', class: 'num' }, 'Length'), h('th', { scope: 'col' }, 'Events'), h('th', { scope: 'col' }, 'Last learned'))),
        h('tbody', {}, data.patterns.map(p => h('tr', {},
          h('th', { scope: 'row' }, h('a', { class: 'mono', href: '#/pattern' + qs({ node, name: p.name }) }, p.name.slice(0, 17) + '…')),
          h('td', { class: 'num' }, p.frequency),
          h('td', { class: 'num' }, p.length),
          h('td', { class: 'events-cell' }, eventsPreview(p.pattern_data, p.events)),
          h('td', {}, fmtTime(p.updated_at))))))),
        pager(data.total, offset, LIMIT, o => { location.hash = link({ offset: o }); }, 'Pattern pages'));
    }
  } catch (e) {
    list.replaceChildren(errorBox(e));
  }
  try {
    const data = await get('/console/api/symbols' + qs({ node_id: node, sort: symSort, offset: symOffset, limit: LIMIT }));
    const ssel = h('select', { id: 'symbol-sort', onchange: () => { location.hash = link({ ssort: ssel.value, soffset: 0 }); } },
      h('option', { value: 'frequency', selected: symSort === 'frequency' }, 'frequency'),
      h('option', { value: 'name', selected: symSort === 'name' }, 'name'));
    syms.replaceChildren(
      h('div', { class: 'row' }, h('label', { for: 'symbol-sort' }, 'Sort symbols by'), ssel),
      h('div', { class: 'scroll' }, h('table', { class: 'grid', id: 'symbols-table' },
        h('caption', {}, `${data.total} symbol${data.total === 1 ? '' : 's'}; choose one to see the patterns that use it`),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Symbol'),
          h('th', { scope: 'col', class: 'num', title: 'Occurrences of the symbol over all learns' }, 'Frequency'),
          h('th', { scope: 'col', class: 'num', title: 'Number of learns whose pattern contained the symbol' }, 'In learned patterns'))),
        h('tbody', {}, data.symbols.map(s => h('tr', {},
          h('th', { scope: 'row' }, h('a', { href: link({ symbol: s.name, offset: 0 }) }, s.name)),
          h('td', { class: 'num' }, s.frequency), h('td', { class: 'num' }, s.pattern_member_frequency)))))),
      pager(data.total, symOffset, LIMIT, o => { location.hash = link({ soffset: o }); }, 'Symbol pages'));
  } catch (e) {
    syms.replaceChildren(errorBox(e));
  }
}

function eventsPreview(events, count) {
  const shown = events.slice(0, 6);
  return [shown.map(ev => h('span', { class: 'ev' }, ev.map(s => h('span', { class: 'sym plain' }, s)))),
    count > shown.length ? h('span', { class: 'muted' }, ` … ${count - shown.length} more`) : null];
}

export async function showOne(_args, query) {
  const node = query.get('node') || current.node;
  const name = query.get('name') || '';
  const body = h('div', {}, h('p', {}, 'Loading…'));
  render('Pattern', h('p', { class: 'mono', id: 'pattern-name' }, name), body);
  let r;
  try {
    r = await get('/pattern/' + encodeURIComponent(name) + qs({ node_id: node }));
  } catch (e) {
    body.replaceChildren(errorBox(e));
    return;
  }
  const doc = r.pattern;
  if (!doc || doc.status !== 'okay') {
    body.replaceChildren(h('p', { class: 'error', role: 'alert' }, (doc && doc.message) || 'Pattern not found.'));
    return;
  }
  const p = doc.pattern;
  const emotives = Array.isArray(p.emotives) ? p.emotives : [];
  body.replaceChildren(
    h('dl', { class: 'kv' },
      h('dt', {}, 'Node'), h('dd', {}, h('a', { href: '#/patterns' + qs({ node }) }, node)),
      h('dt', {}, 'Frequency'), h('dd', { id: 'pattern-frequency' }, p.frequency),
      h('dt', {}, 'Length'), h('dd', {}, `${p.length} symbols in ${p.pattern_data.length} events`)),
    h('section', { 'aria-labelledby': 'pe-h' }, h('h2', { id: 'pe-h' }, 'Events'),
      stmTimeline(p.pattern_data, null, {
        id: 'pattern-events', prefix: 'e', label: 'Pattern events', first: true,
        symbol: s => h('a', { class: 'sym plain', href: '#/patterns' + qs({ node, symbol: s }), title: `Patterns that use ${s}` }, s),
      })),
    h('section', { 'aria-labelledby': 'pm-h' }, h('h2', { id: 'pm-h' }, 'Emotives'),
      emotives.length ? h('table', { class: 'grid' }, h('caption', {}, 'Rolling window of emotive snapshots, oldest first'),
        h('tbody', {}, emotives.map((e, i) => h('tr', {}, h('th', { scope: 'row' }, `#${i + 1}`),
          h('td', {}, Object.entries(e).map(([k, v]) => `${k} ${fmtNum(v)}`).join(', ') || '–')))))
        : h('p', { class: 'muted' }, 'Never learned with emotives.')),
    h('section', { 'aria-labelledby': 'pmd-h' }, h('h2', { id: 'pmd-h' }, 'Metadata'),
      Object.keys(p.metadata || {}).length ? h('dl', { class: 'kv' }, Object.entries(p.metadata).map(([k, v]) =>
        [h('dt', {}, k), h('dd', {}, Array.isArray(v) ? v.join(', ') : String(v))]))
        : h('p', { class: 'muted' }, 'No metadata.')));
}
