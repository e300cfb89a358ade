// The console's router: #/page/arg?query. Each page module exports show(args, query).
import { apiKey, setApiKey } from './api.js';
import { render, errorBox, say } from './dom.js';
import * as nodes from './nodes.js';
import * as sessions from './sessions.js';
import * as predictions from './predictions.js';
import * as patterns from './patterns.js';
import * as live from './live.js';
import * as tryit from './tryit.js';

const pages = {
  nodes: nodes.show,
  sessions: sessions.show,
  session: sessions.showOne,
  predictions: predictions.show,
  patterns: patterns.show,
  pattern: patterns.showOne,
  live: live.show,
  try: tryit.show,
};
// Which navigation entry a page belongs to.
const section = { session: 'sessions', pattern: 'patterns' };

let leave = null; // cleanup of the page being left (closes sockets, timers)

async function route() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?');
  const [name, ...rest] = path.split('/');
  const page = pages[name] ? name : 'try';
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === (section[page] || page)) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const status = document.getElementById('status');
  if (!status.classList.contains('error')) { status.textContent = ''; status.className = 'status'; }
  if (leave) { try { leave(); } catch (_) { /* ignore */ } leave = null; }
  try {
    const r = await pages[page](rest.map(decodeURIComponent), new URLSearchParams(query));
    if (typeof r === 'function') leave = r;
  } catch (e) {
    render('Something went wrong', errorBox(e));
  }
}

function setupKey() {
  const form = document.getElementById('key-form');
  const input = document.getElementById('api-key');
  input.value = apiKey();
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    setApiKey(input.value.trim());
    say(input.value.trim() ? 'API key set for this tab.' : 'No API key.', 'ok');
    route();
  });
  document.getElementById('key-forget').addEventListener('click', () => {
    input.value = '';
    setApiKey('');
    say('API key forgotten.', 'ok');
    route();
  });
}

window.addEventListener('hashchange', route);
setupKey();
if (!location.hash) location.replace('#/try');
route();
