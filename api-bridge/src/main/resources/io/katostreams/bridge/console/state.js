// What the console remembers for this tab: the current node and session (not secrets).
export const current = {
  get session() { return sessionStorage.getItem('kato.session') || ''; },
  set session(v) { if (v) sessionStorage.setItem('kato.session', v); else sessionStorage.removeItem('kato.session'); },
  get node() { return sessionStorage.getItem('kato.node') || ''; },
  set node(v) { if (v !== undefined && v !== null) sessionStorage.setItem('kato.node', v); },
};

export function go(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}
