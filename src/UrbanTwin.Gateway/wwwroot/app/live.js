import { t } from './i18n.js';

// One EventSource for the view's scope. EventSource reconnects by itself; the indicator says when it is down.
let source = null;

export function watch(nodeId, handlers) {
  stop();
  const indicator = document.getElementById('live');
  const show = (state) => {
    indicator.dataset.state = state;
    indicator.textContent = state === 'open' ? t('live') : t('reconnecting');
  };
  show('down');
  source = new EventSource(`/api/v1/nodes/${encodeURIComponent(nodeId)}/stream`);
  source.onopen = () => show('open');
  source.onerror = () => show('down');
  source.addEventListener('snapshot', () => show('open'));
  source.addEventListener('node', (e) => handlers.node?.(JSON.parse(e.data)));
  source.addEventListener('alarm', (e) => handlers.alarm?.(JSON.parse(e.data)));
}

export function stop() {
  source?.close();
  source = null;
}
