import { api } from '../api.js';
import { el } from '../dom.js';
import { t, time, number } from '../i18n.js';

const RefreshEveryMs = 5000;

// Webhook subscriptions (operator and admin keys): each with its state and delivery figures; its dead letters on
// demand, with replay; pause and resume. Rows carry data-subscription-id and data-state.
export async function renderWebhooks(root) {
  const body = el('tbody', { id: 'subscriptions' });
  const panel = el('section', { class: 'panel wide', 'aria-labelledby': 'webhooks-title' },
    el('h2', { id: 'webhooks-title' }, t('webhooks.title')),
    el('p', { class: 'muted' }, t('webhooks.about')),
    el('table', {},
      el('thead', {}, el('tr', {}, ...['url', 'events', 'scope', 'state', 'delivered', 'pending', 'failed', 'deadLettered', 'lastError', ''].map((h) => el('th', {}, h ? t(`webhooks.${h}`) : '')))),
      body));
  root.replaceChildren(panel);
  document.getElementById('crumbs').replaceChildren(el('span', { 'aria-current': 'page' }, t('webhooks.title')));

  const open = new Set(); // subscriptions whose dead letters are shown
  async function refresh() {
    const items = await api.subscriptions();
    const rows = items.flatMap((s) => [row(s), ...(open.has(s.id) ? [letters(s.id)] : [])]);
    body.replaceChildren(...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 10, class: 'muted' }, t('webhooks.none')))]));
    await Promise.all([...open].map(fillLetters));
  }

  function row(s) {
    const d = s.delivery;
    const act = (label, name, run) => el('button', { type: 'button', dataset: { action: name }, onclick: async (e) => {
      e.target.disabled = true;
      try { await run(); } catch (error) { e.target.title = error.message; }
      await refresh();
    } }, label);
    const toggle = s.state === 'paused' || s.state === 'disabled'
      ? act(t('webhooks.resume'), 'resume', () => api.changeSubscription(s.id, { state: 'active' }))
      : act(t('webhooks.pause'), 'pause', () => api.changeSubscription(s.id, { state: 'paused' }));
    return el('tr', { dataset: { subscriptionId: s.id, state: s.state } },
      el('td', { class: 'url', title: s.description ?? '' }, s.url),
      el('td', {}, s.events.join(', ')),
      el('td', {}, [s.node ?? t('webhooks.everywhere'), ...s.kinds].join(' · ') + (s.minLevel ? ` ≥ ${t(s.minLevel)}` : '')),
      el('td', { class: 'state', title: s.stateReason ?? '' }, t(`webhooks.${s.state}`)),
      el('td', { class: 'delivered' }, number(d.delivered)),
      el('td', { class: 'pending' }, number(d.pending)),
      el('td', { class: 'failed' }, number(d.failed)),
      el('td', { class: 'dead-lettered' }, number(d.deadLettered)),
      el('td', { class: 'last-error', title: d.lastFailureAt ? time(d.lastFailureAt) : '' }, d.lastError ?? t('none')),
      el('td', { class: 'actions' },
        act(open.has(s.id) ? t('webhooks.hideLetters') : t('webhooks.letters'), 'letters', async () => { if (!open.delete(s.id)) open.add(s.id); }),
        ' ', act(t('webhooks.replay'), 'replay', () => api.replayDeadLetters(s.id)),
        ' ', toggle));
  }

  function letters(id) {
    return el('tr', { class: 'dead-letters', dataset: { lettersOf: id } }, el('td', { colspan: 10 }, el('ul', { class: 'list' })));
  }

  async function fillLetters(id) {
    const list = body.querySelector(`tr[data-letters-of="${id}"] ul`);
    if (!list) return;
    const items = await api.deadLetters(id);
    list.replaceChildren(...(items.length === 0
      ? [el('li', { class: 'muted' }, t('webhooks.noLetters'))]
      : items.map((d) => el('li', { dataset: { eventId: d.eventId } },
        `${time(d.eventTime)} ${d.type} ${d.assetId ?? d.nodeId} · ${d.attempts} ${t('webhooks.attempts')} · ${d.lastError}`))));
  }

  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), RefreshEveryMs);
  return () => clearInterval(timer);
}
