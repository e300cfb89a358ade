import { get, qs } from './api.js';
import { h, render, errorBox, pager, fmtTime } from './dom.js';

const LIMIT = 50;

export async function show(_args, query) {
  const q = query.get('q') || '';
  const offset = Number(query.get('offset') || 0);
  const search = h('input', { id: 'node-search', type: 'search', value: q, placeholder: 'part of a node id' });
  const form = h('form', { class: 'row', role: 'search', onsubmit: ev => {
    ev.preventDefault();
    location.hash = '#/nodes' + qs({ q: search.value });
  } }, h('label', { for: 'node-search' }, 'Search nodes'), search, h('button', { type: 'submit' }, 'Search'));
  const body = h('div', {}, h('p', {}, 'Loading…'));
  render('Nodes', h('p', { class: 'lead' }, 'The nodes with learned knowledge. Open one to browse its patterns.'), form, body);
  let data;
  try {
    data = await get('/console/api/nodes' + qs({ q, offset, limit: LIMIT }));
  } catch (e) {
    body.replaceChildren(errorBox(e));
    return;
  }
  if (!data.nodes.length) {
    body.replaceChildren(h('p', {}, q ? `No node id contains “${q}”.` : 'No node has learned anything yet. ',
      q ? '' : h('a', { href: '#/try' }, 'Train one in Try it.')));
    return;
  }
  const table = h('table', { class: 'grid', id: 'nodes-table' },
    h('caption', {}, `${data.total} node${data.total === 1 ? '' : 's'}` + (data.loaded ? '' : ' (still loading)')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, 'Node'),
      h('th', { scope: 'col', class: 'num' }, 'Patterns'),
      h('th', { scope: 'col', class: 'num' }, 'Symbols'),
      h('th', { scope: 'col', class: 'num', title: 'total_pattern_frequencies: +1 per learn that stored a pattern' }, 'Learns'),
      h('th', { scope: 'col', class: 'num', title: 'total_symbol_frequencies: sum of learned pattern lengths' }, 'Symbol total'),
      h('th', { scope: 'col' }, 'Last activity'))),
    h('tbody', {}, data.nodes.map(n => h('tr', {},
      h('th', { scope: 'row' }, h('a', { href: '#/patterns' + qs({ node: n.node_id }) }, n.node_id === '' ? '(empty id)' : n.node_id)),
      h('td', { class: 'num' }, n.patterns),
      h('td', { class: 'num' }, n.symbols),
      h('td', { class: 'num' }, n.totals.total_pattern_frequencies),
      h('td', { class: 'num' }, n.totals.total_symbol_frequencies),
      h('td', {}, fmtTime(n.last_activity))))));
  body.replaceChildren(h('div', { class: 'scroll' }, table),
    pager(data.total, offset, LIMIT, o => { location.hash = '#/nodes' + qs({ q, offset: o }); }, 'Node pages'));
}
