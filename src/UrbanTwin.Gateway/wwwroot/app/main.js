import { api } from './api.js';
import { el } from './dom.js';
import { t, nameOf, toggleLanguage } from './i18n.js';
import { stop } from './live.js';
import { beginView, endView } from './freshness.js';
import { renderNode } from './views/node.js';
import { renderAsset } from './views/asset.js';
import { renderWebhooks } from './views/webhooks.js';
import { renderIncident } from './views/incident.js';

// The view follows the URL (#/nodes/taiyuan, #/assets/…): bookmarkable, and the back button works.
const root = document.getElementById('view');
const state = { mode: localStorage.getItem('ut.mode') === 'aqi' ? 'aqi' : 'status', home: 'shanxi' };
let cleanup = null;
let rendering = 0;

async function route() {
  // Alarm ids hold ':' (asset:metric:n), written %3A in the hash.
  const [, kind, raw] = location.hash.match(/^#\/(nodes|assets|alarms)\/([A-Za-z0-9._:%-]+)$/) ?? (location.hash === '#/webhooks' ? [null, 'webhooks', null] : []);
  const id = raw && decodeURIComponent(raw);
  if (!kind) {
    location.replace(`#/nodes/${state.home}`);
    return;
  }
  const ticket = ++rendering;
  delete root.dataset.ready;
  stop();
  cleanup?.();
  cleanup = null;
  labelControls();
  beginView();
  try {
    const dispose = kind === 'webhooks' ? await renderWebhooks(root)
      : kind === 'nodes' ? await renderNode(root, id, state)
      : kind === 'alarms' ? await renderIncident(root, id) : await renderAsset(root, id);
    if (ticket !== rendering) { dispose?.(); return; }
    cleanup = dispose;
    if (kind !== 'webhooks') await breadcrumbs(kind, id);
    endView();
    root.dataset.ready = location.hash; // the view is complete (tests and screen readers can rely on it)
    root.focus({ preventScroll: true });
  } catch (error) {
    if (error.status === 401) {
      signInForm();
      return;
    }
    const message = kind === 'webhooks' && error.status === 403 ? t('webhooks.forbidden') : `${id ?? kind}: ${error.message}`;
    root.replaceChildren(el('section', { class: 'panel error', role: 'alert' }, message));
    if (ticket === rendering) endView();
  }
}

// In keys mode: who is signed in, and a key's home is its scope (a Taiyuan key cannot open the province).
async function whoAmI() {
  const who = document.getElementById('who');
  const signOut = document.getElementById('sign-out');
  try {
    const me = await api.me();
    const keys = me.mode === 'keys';
    state.home = me.scopes[0] ?? 'shanxi';
    who.hidden = signOut.hidden = !keys;
    who.textContent = keys ? `${me.name} (${me.role})` : '';
    signOut.textContent = t('signOut');
    document.querySelector('.brand').setAttribute('href', `#/nodes/${state.home}`);
  } catch (error) {
    if (error.status !== 401) throw error;
    who.hidden = signOut.hidden = true;
  }
}

function signInForm() {
  const input = el('input', { id: 'api-key', type: 'password', autocomplete: 'current-password', required: true });
  const message = el('p', { class: 'error', role: 'alert' });
  const form = el('form', {
    class: 'panel sign-in',
    onsubmit: async (event) => {
      event.preventDefault();
      if (await api.signIn(input.value.trim())) {
        await whoAmI();
        location.hash = `#/nodes/${state.home}`;
        route();
      } else {
        message.textContent = t('keyUnknown');
      }
    },
  }, el('h2', {}, t('signIn')), el('p', {}, t('signInNeeded')),
  el('label', { for: 'api-key' }, t('apiKey')), ' ', input, ' ', el('button', { type: 'submit' }, t('signIn')), message);
  root.replaceChildren(form);
  document.getElementById('crumbs').replaceChildren();
  input.focus();
}

async function breadcrumbs(kind, id) {
  const trail = [];
  // An alarm's id starts with its asset's (asset:metric:n): its trail is the asset's.
  const assetId = kind === 'alarms' ? id.split(':')[0] : id;
  let current = kind === 'nodes' ? await api.node(id) : await api.asset(assetId).then((a) => api.node(a.nodeId));
  while (current) {
    trail.unshift(current);
    // A scoped key's trail starts at its scope: the nodes above it answer 403.
    current = current.parentId ? await api.node(current.parentId).catch((e) => { if (e.status === 403) return null; throw e; }) : null;
  }
  const crumbs = trail.map((n, i) => (kind === 'nodes' && i === trail.length - 1
    ? el('span', { 'aria-current': 'page' }, nameOf(n))
    : el('a', { href: `#/nodes/${n.id}` }, nameOf(n))));
  if (kind === 'assets') crumbs.push(el('span', { 'aria-current': 'page' }, id));
  if (kind === 'alarms') crumbs.push(el('a', { href: `#/assets/${assetId}` }, assetId), el('span', { 'aria-current': 'page' }, t('surroundings')));
  document.getElementById('crumbs').replaceChildren(...crumbs.flatMap((c, i) => (i ? [el('span', { class: 'muted' }, '›'), c] : [c])));
}

function labelControls() {
  document.querySelector('.brand').textContent = t('title');
  document.getElementById('webhooks-link').textContent = t('webhooks.link');
  document.getElementById('language').textContent = t('language');
  const mode = document.getElementById('color-mode');
  mode.textContent = state.mode === 'aqi' ? t('colorAqi') : t('colorStatus');
  mode.setAttribute('aria-pressed', state.mode === 'aqi');
}

document.getElementById('language').addEventListener('click', () => { toggleLanguage(); route(); });
document.getElementById('color-mode').addEventListener('click', () => {
  state.mode = state.mode === 'aqi' ? 'status' : 'aqi';
  localStorage.setItem('ut.mode', state.mode);
  route();
});
document.getElementById('sign-out').addEventListener('click', async () => {
  await api.signOut();
  stop();
  await whoAmI();
  signInForm();
});
window.addEventListener('hashchange', route);
document.addEventListener('ut:reconnected', route);
document.addEventListener('ut:refresh', route);
whoAmI().finally(route);
