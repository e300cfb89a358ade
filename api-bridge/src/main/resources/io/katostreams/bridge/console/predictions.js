import { get, qs } from './api.js';
import { h, render, errorBox, fmtNum, eventsText } from './dom.js';
import { current } from './state.js';
import { configForm } from './sessions.js';

/** Every metric of a prediction (spec 04 §9–§11) with a one-line definition. */
export const METRICS = [
  ['potential', 'Ranking score: (evidence + confidence) × snr + itfdf_similarity + 1 / (fragmentation + 1).'],
  ['similarity', 'How much of the STM and the pattern match (token- or character-level); must reach recall_threshold.'],
  ['evidence', 'Matched symbols ÷ the pattern’s length: how much of the pattern the STM has shown.'],
  ['confidence', 'Matched symbols ÷ symbols in the present events: how fully the present is matched.'],
  ['fragmentation', 'Number of separate matching blocks − 1; 0 means one contiguous match.'],
  ['snr', 'Signal-to-noise: (2·matched − unmatched STM symbols) ÷ (2·matched + unmatched STM symbols).'],
  ['itfdf_similarity', '1 − cosine distance between STM and present, weighted by symbol probability, scaled by frequency share.'],
  ['frequency', 'How many times the pattern was learned.'],
  ['pattern_probability', 'The pattern’s frequency ÷ the summed frequency of all patterns that passed the threshold.'],
  ['weighted_strength', 'similarity × pattern_probability.'],
  ['predictive_information', 'weighted_strength ÷ the aggregate potential of its future (0 without a future).'],
  ['normalized_entropy', 'Entropy of the STM’s symbol counts, normalised by the node’s number of distinct symbols.'],
  ['global_normalized_entropy', 'Entropy of the STM’s distinct symbols under the node’s symbol probabilities.'],
  ['entropy', 'Always 0.0 (kept for compatibility with KATO 3.0).'],
  ['confluence', 'Always 0.0 in KATO 3.0.'],
];
const DEFS = Object.fromEntries(METRICS);

const CONTROLS = ['recall_threshold', 'max_predictions', 'use_token_matching'];

export async function show([sessionId]) {
  sessionId = sessionId || current.session;
  if (!sessionId) {
    render('Predictions explained', h('p', {}, 'Open a session first: ', h('a', { href: '#/sessions' }, 'Sessions'),
      ' or ', h('a', { href: '#/try' }, 'Try it'), '.'));
    return;
  }
  current.session = sessionId;
  const body = h('div', { id: 'predictions' }, h('p', {}, 'Loading…'));
  const controls = h('div', { id: 'prediction-controls' });
  render('Predictions explained',
    h('p', { class: 'lead' }, 'Session ', h('a', { class: 'mono', href: '#/session/' + encodeURIComponent(sessionId) }, sessionId),
      ': the ranked predictions for its current short-term memory (STM), each aligned with the STM.'),
    controls, body);
  let info;
  try {
    info = await get(`/sessions/${encodeURIComponent(sessionId)}`);
  } catch (e) {
    body.replaceChildren(errorBox(e));
    return;
  }
  controls.replaceChildren(h('details', { class: 'card', open: true },
    h('summary', {}, 'Settings that change the ranking'),
    configForm(sessionId, info.session_config || {}, CONTROLS, () => load(), 'pc')));
  const load = async () => {
    body.replaceChildren(h('p', {}, 'Loading…'));
    try {
      const [stm, pred] = [await get(`/sessions/${encodeURIComponent(sessionId)}/stm`),
        await get(`/sessions/${encodeURIComponent(sessionId)}/predictions`)];
      body.replaceChildren(...explain(stm.stm, pred, info.node_id));
    } catch (e) {
      body.replaceChildren(errorBox(e));
    }
  };
  await load();
}

function explain(stm, pred, nodeId) {
  const out = [];
  out.push(h('p', { class: 'legend', id: 'legend' }, h('strong', {}, 'Legend: '),
    h('span', { class: 'sym match' }, '✓ a'), ' matched · ',
    h('span', { class: 'sym missing' }, '✗ b'), ' missing (in the pattern, not in the STM) · ',
    h('span', { class: 'sym extra' }, '+ c'), ' extra (in the STM, not in the pattern) · ',
    h('span', { class: 'seg-tag' }, 'past'), ' / ', h('span', { class: 'seg-tag' }, 'present'), ' / ',
    h('span', { class: 'seg-tag' }, 'future'), ' parts of the pattern.'));
  if (!pred.predictions.length) {
    out.push(h('p', { id: 'no-predictions' }, stm.length
      ? 'No pattern passes the recall threshold for this STM. Lower recall_threshold, observe more, or learn something first.'
      : 'The STM is empty: observe some events first (Try it).'));
    return out;
  }
  out.push(h('section', { 'aria-labelledby': 'fp-h' }, h('h2', { id: 'fp-h' }, 'Future potentials'),
    futureChart(pred.future_potentials)));
  out.push(h('h2', {}, `${pred.count} prediction${pred.count === 1 ? '' : 's'}, ranked by potential`));
  const list = h('ol', { class: 'predictions', id: 'prediction-list' });
  pred.predictions.forEach((p, i) => list.appendChild(h('li', { class: 'prediction', dataset: { name: p.name } },
    card(p, i, stm, nodeId))));
  out.push(list);
  out.push(h('details', { class: 'card' }, h('summary', {}, 'What the metrics mean'),
    h('dl', { class: 'defs' }, METRICS.map(([k, d]) => [h('dt', {}, k), h('dd', {}, d)]))));
  return out;
}

function card(p, i, stm, nodeId) {
  const metrics = h('table', { class: 'metrics' }, h('caption', { class: 'sr-only' }, 'Metrics'),
    h('tbody', {}, METRICS.map(([k]) => h('tr', {},
      h('th', { scope: 'row', title: DEFS[k], class: 'def' }, k),
      h('td', { class: 'num' }, fmtNum(p[k]))))));
  const emo = Object.keys(p.emotives || {}).length
    ? h('p', {}, 'Emotives: ', Object.entries(p.emotives).map(([k, v]) => `${k} ${fmtNum(v)}`).join(', ')) : null;
  return h('details', { open: i < 3 },
    h('summary', {},
      h('span', { class: 'rank' }, `#${i + 1}`), ' ',
      h('span', { class: 'mono' }, p.name.slice(0, 12) + '…'), ' ',
      h('span', { class: 'pot' }, `potential ${fmtNum(p.potential)}`), ' ',
      h('span', { class: 'muted' }, `similarity ${fmtNum(p.similarity)} · frequency ${p.frequency} · future ${eventsText(p.future) || '–'}`)),
    h('div', { class: 'pcard' },
      h('div', { class: 'align-wrap' }, alignment(p, stm)),
      h('div', { class: 'side' }, metrics, emo,
        h('p', {}, h('a', { href: '#/pattern' + qs({ node: nodeId, name: 'PTRN|' + p.name }) }, 'Open pattern PTRN|' + p.name.slice(0, 10) + '…')))));
}

function chip(sym, kind) {
  const glyph = { match: '✓', missing: '✗', extra: '+', plain: '' }[kind];
  const word = { match: 'matched', missing: 'missing', extra: 'extra', plain: '' }[kind];
  return h('span', { class: 'sym ' + kind, title: word ? `${sym}: ${word}` : sym },
    glyph ? h('span', { 'aria-hidden': 'true' }, glyph + ' ') : null, sym,
    word ? h('span', { class: 'sr-only' }, ` (${word})`) : null);
}

/**
 * Events as chips. Past and STM show their SHOWN newest events, future its SHOWN first ones (the
 * ones next to the present), the rest counted; the present (the matched region) is shown whole.
 */
const SHOWN = 40;
function events(evts, f, keep = 'first') {
  const from = keep === 'last' ? Math.max(0, evts.length - SHOWN) : 0;
  const to = keep === 'last' || keep === 'all' ? evts.length : Math.min(evts.length, SHOWN);
  const chips = evts.slice(from, to).map((ev, j) => h('span', { class: 'ev' },
    ev.length ? ev.map(s => f(s, from + j)) : h('span', { class: 'muted' }, '∅')));
  const more = evts.length - (to - from);
  if (!more) return chips;
  const note = h('span', { class: 'muted' }, keep === 'last' ? `… ${more} earlier events ` : ` … ${more} more events`);
  return keep === 'last' ? [note, ...chips] : [...chips, note];
}

/** The pattern (past / present / future) above the STM, the STM under the present part. */
function alignment(p, stm) {
  const matched = new Set(p.matches);
  const missing = p.missing.map(m => new Set(m));
  const extras = (p.extras || []).map(x => new Set(x));
  const seg = (name, content) => h('div', { class: 'seg seg-' + name },
    h('span', { class: 'seg-tag' }, name), content.length ? content : h('span', { class: 'muted' }, '—'));
  return h('div', { class: 'align', role: 'group', 'aria-label': 'Pattern aligned with the STM' },
    h('div', { class: 'row-label' }, 'Pattern'),
    seg('past', events(p.past, s => chip(s, 'plain'), 'last')),
    seg('present', events(p.present, (s, i) => chip(s, missing[i] && missing[i].has(s) ? 'missing' : matched.has(s) ? 'match' : 'plain'), 'all')),
    seg('future', events(p.future, s => chip(s, 'plain'))),
    h('div', { class: 'row-label' }, 'STM'),
    h('div', { class: 'seg seg-stm' }, h('span', { class: 'seg-tag' }, 'now'),
      events(stm, (s, i) => chip(s, extras[i] && extras[i].has(s) ? 'extra' : 'match'), 'last')));
}

/** future_potentials as a horizontal bar chart (inline SVG, no library). */
export function futureChart(fps) {
  if (!fps || !fps.length) return h('p', { class: 'muted' }, 'No future to aggregate.');
  const shown = fps.slice(0, 12);
  const rowH = 28, labelW = 230, barW = 300, w = labelW + barW + 120, top = 4;
  const height = top + shown.length * rowH + 4;
  const max = Math.max(...shown.map(f => f.aggregate_potential), 1e-9);
  const svg = h('svg:svg', { viewBox: `0 0 ${w} ${height}`, class: 'chart', role: 'img', 'aria-labelledby': 'fp-title fp-desc', id: 'future-chart' },
    h('svg:title', { id: 'fp-title' }, 'Aggregate potential of each predicted future'),
    h('svg:desc', { id: 'fp-desc' }, shown.map(f => `${eventsText(f.future)}: ${fmtNum(f.aggregate_potential, 3)}`).join('; ')),
    shown.map((f, i) => {
      const y = top + i * rowH;
      const len = Math.max(2, (f.aggregate_potential / max) * barW);
      let label = eventsText(f.future);
      if (label.length > 32) label = label.slice(0, 31) + '…';
      return h('svg:g', { class: 'bar' },
        h('svg:title', {}, `${eventsText(f.future)} — aggregate potential ${fmtNum(f.aggregate_potential)}, `
          + `${f.supporting_patterns} supporting pattern(s), total weighted frequency ${fmtNum(f.total_weighted_frequency)}`),
        h('svg:text', { x: labelW - 8, y: y + 18, 'text-anchor': 'end', class: 'chart-label' }, label),
        h('svg:rect', { x: labelW, y: y + 5, width: len, height: rowH - 10, rx: 3, class: 'chart-bar' }),
        h('svg:text', { x: labelW + len + 6, y: y + 18, class: 'chart-value' },
          `${fmtNum(f.aggregate_potential, 3)} (${f.supporting_patterns})`));
    }));
  return h('figure', { class: 'chart-fig' }, svg,
    h('figcaption', {}, 'Bar length: aggregate potential of the future; in brackets: supporting patterns.'
      + (fps.length > shown.length ? ` The top ${shown.length} of ${fps.length} are shown.` : '')));
}
