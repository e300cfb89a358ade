import { get, qs, apiKey } from './api.js';
import { h, render, eventsText, fmtNum } from './dom.js';
import { current } from './state.js';

const MAX_ROWS = 200;

/**
 * Live: the WebSocket /ws/events (session created / destroyed) and, for one node, each new
 * observation and its prediction set as the node processes them (read from /percept-data and
 * /cognition-data once a second: the WebSocket carries session events only).
 */
export function show(_args, query) {
  const node = query.has('node') ? query.get('node') : current.node;
  const input = h('input', { id: 'live-node', type: 'text', value: node, spellcheck: 'false', placeholder: 'node id' });
  const conn = h('span', { id: 'ws-state', class: 'badge' }, 'connecting…');
  let readings = 0; // node readings done (exposed for tests: an observation is detected from the second on)
  const feed = h('ol', { id: 'live-feed', class: 'feed', dataset: { readings: '0' }, reversed: true, 'aria-live': 'polite', 'aria-relevant': 'additions' });
  render('Live',
    h('form', { class: 'row', onsubmit: ev => { ev.preventDefault(); location.hash = '#/live' + qs({ node: input.value }); } },
      h('label', { for: 'live-node' }, 'Watch node'), input, h('button', { type: 'submit' }, 'Watch')),
    h('p', {}, 'WebSocket: ', conn, node ? ` · observations of node “${node}” appear as they are processed.` : ' · choose a node to see its observations.'),
    feed);
  if (node) current.node = node;

  const add = (kind, ...content) => {
    feed.insertBefore(h('li', { class: 'feed-item ' + kind },
      h('time', {}, new Date().toISOString().slice(11, 19)), ' ', h('span', { class: 'kind' }, kind), ' ', content), feed.firstChild);
    while (feed.children.length > MAX_ROWS) feed.removeChild(feed.lastChild);
  };

  let closed = false;
  // A browser cannot set a header on a WebSocket and the key must stay out of the URL: the key goes
  // as a subprotocol 'kato.key.<base64url>' after 'kato.v1', the one the server echoes (docs/security.md).
  const key = apiKey();
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/events';
  const ws = key ? new WebSocket(url, ['kato.v1', 'kato.key.' + base64url(key)]) : new WebSocket(url);
  let opened = false;
  const failed = () => {
    conn.textContent = opened ? 'closed' : 'not connected (with authentication on, /ws/events needs an admin key)';
    conn.className = 'badge error';
  };
  ws.onopen = () => { opened = true; conn.textContent = 'connected'; conn.className = 'badge ok'; };
  ws.onclose = () => { if (!closed) failed(); };
  ws.onerror = () => { if (!closed) failed(); };
  ws.onmessage = m => {
    let e;
    try { e = JSON.parse(m.data); } catch (_) { return; }
    const d = e.data || {};
    if (e.event_type === 'state.snapshot') add('snapshot', `${d.active_sessions} active sessions, system ${d.system_status}`);
    else if (e.event_type === 'session.created') add('session', `created ${d.session_id} on node ${d.node_id}`);
    else if (e.event_type === 'session.destroyed') add('session', `destroyed ${d.session_id} (${d.reason})`);
    else add(e.event_type || 'event', JSON.stringify(d));
  };

  let last = null;
  let timer = null;
  const poll = async () => {
    if (closed || !node) return;
    try {
      const p = (await get('/percept-data' + qs({ node_id: node }))).percept_data;
      const c = (await get('/cognition-data' + qs({ node_id: node }))).cognition_data;
      const key = JSON.stringify([p, c.short_term_memory]);
      if (last !== null && key !== last && p && p.strings) {
        const preds = c.predictions || [];
        add('observation', h('span', {}, 'observed ', (p.strings || []).map(s => h('span', { class: 'sym plain' }, s)),
          ` · STM ${c.short_term_memory.length} event${c.short_term_memory.length === 1 ? '' : 's'} · ${preds.length} prediction${preds.length === 1 ? '' : 's'}`,
          preds.length ? ` · best: future ${eventsText(preds[0].future) || '–'} (potential ${fmtNum(preds[0].potential)})` : ''));
      }
      last = key;
      feed.dataset.readings = String(++readings);
    } catch (e) {
      add('error', e.message);
    }
    if (!closed) timer = setTimeout(poll, 1000);
  };
  poll();
  return () => { closed = true; clearTimeout(timer); ws.close(); };
}

/** base64url of the UTF-8 bytes of text, without padding (a valid subprotocol token). */
function base64url(text) {
  let bin = '';
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
