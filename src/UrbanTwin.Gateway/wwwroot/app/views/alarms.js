import { api } from '../api.js';
import { el } from '../dom.js';
import { t, time } from '../i18n.js';

// The alarm list of a scope, newest first, with acknowledgement. Each item carries data-alarm-id.
export function alarmPanel(nodeId) {
  const list = el('ul', { class: 'list', id: 'alarm-list', 'aria-live': 'polite' });
  const by = el('input', { id: 'ack-by', value: localStorage.getItem('ut.ackBy') ?? 'duty officer', size: 14,
    onchange: (e) => localStorage.setItem('ut.ackBy', e.target.value) });
  const panel = el('section', { class: 'panel', 'aria-labelledby': 'alarms-title' },
    el('h2', { id: 'alarms-title' }, t('alarms')),
    el('label', { class: 'muted' }, `${t('by')} `, by),
    list);

  async function refresh() {
    const alarms = await api.alarms(nodeId);
    list.replaceChildren(...(alarms.length === 0 ? [el('li', { class: 'muted' }, t('noAlarms'))] : alarms.map(item)));
  }

  function item(alarm) {
    const level = el('span', { class: 'status', dataset: { status: alarm.state === 'cleared' ? 'normal' : alarm.level } },
      `${alarm.level === 'alarm' ? '■' : '▲'} ${t(alarm.level)}`);
    const action = alarm.state === 'active'
      ? el('button', { type: 'button', dataset: { ack: alarm.id }, onclick: async (e) => {
          e.target.disabled = true;
          try {
            await api.acknowledge(alarm.id, by.value || 'duty officer');
          } catch (error) {
            e.target.disabled = false;
            e.target.title = error.message; // e.g. 409: cleared meanwhile; the refresh below shows its state
          }
          await refresh();
        } }, t('acknowledge'))
      : el('span', { class: 'muted', dataset: { state: alarm.state } }, t(alarm.state));
    return el('li', { class: 'alarm-item', dataset: { alarmId: alarm.id, state: alarm.state } },
      el('div', {},
        el('div', {}, level, ' ', el('a', { href: `#/assets/${alarm.assetId}` }, alarm.assetId), ` ${alarm.metric} = ${alarm.value}`),
        el('div', { class: 'when' }, time(alarm.raisedAt), alarm.acknowledgedBy ? ` · ${t('acknowledged')}: ${alarm.acknowledgedBy}` : '',
          ' · ', el('a', { href: `#/alarms/${encodeURIComponent(alarm.id)}`, dataset: { surroundings: alarm.id } }, t('surroundings')))),
      action);
  }

  return { panel, refresh };
}
