// A tiny DOM builder: text always goes in as text nodes (never parsed as HTML).

export function h(tag, attrs, ...children) {
  const svg = tag.startsWith('svg:');
  const el = svg ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
                 : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.setAttribute('class', v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && !svg) el.value = v;
    else if (k === 'checked' && !svg) el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

/** Replaces the main content and moves focus there (for keyboard and screen-reader users). */
export function render(title, ...children) {
  const main = document.getElementById('main');
  clear(main);
  main.appendChild(h('h1', {}, title));
  append(main, children);
  document.title = title + ' · KATO console';
  main.focus({ preventScroll: true });
  return main;
}

let statusTimer;
/** Announces a message in the status line (aria-live). kind: 'ok' | 'error' | 'info'. */
export function say(message, kind = 'info') {
  const s = document.getElementById('status');
  s.textContent = message;
  s.className = 'status ' + kind;
  clearTimeout(statusTimer);
  if (kind !== 'error') statusTimer = setTimeout(() => { s.textContent = ''; s.className = 'status'; }, 6000);
}

/** An error box for a failed request. */
export function errorBox(e) {
  return h('p', { class: 'error', role: 'alert' }, h('strong', {}, 'Error: '), e.message || String(e));
}

export function fmtNum(x, digits = 4) {
  if (x === null || x === undefined) return '–';
  if (typeof x !== 'number') return String(x);
  if (Number.isInteger(x)) return String(x);
  return x.toFixed(digits).replace(/0+$/, '').replace(/\.$/, '');
}

export function fmtTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Events as text: [["a","b"],["c"]] → "[a b] [c]". */
export function eventsText(events) {
  return (events || []).map(ev => '[' + ev.join(' ') + ']').join(' ');
}

/** A pager: "Previous / page x of y / Next". onPage(newOffset). */
export function pager(total, offset, limit, onPage, label) {
  if (total <= limit && offset === 0) return h('p', { class: 'pageinfo' }, `${total} in all`);
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  return h('nav', { class: 'pager', 'aria-label': label || 'Pages' },
    h('button', { type: 'button', disabled: offset <= 0, onclick: () => onPage(0) }, '« First'),
    h('button', { type: 'button', disabled: offset <= 0, onclick: () => onPage(Math.max(0, offset - limit)) }, '‹ Previous'),
    h('span', { class: 'pageinfo' }, `Page ${page} of ${pages} · ${total} in all`),
    h('button', { type: 'button', disabled: offset + limit >= total, onclick: () => onPage(offset + limit) }, 'Next ›'),
    h('button', { type: 'button', disabled: offset + limit >= total,
      onclick: () => onPage((pages - 1) * limit) }, 'Last »'));
}
