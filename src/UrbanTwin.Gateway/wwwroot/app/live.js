import { t } from './i18n.js';

// One EventSource for the view's scope. EventSource reconnects by itself after a network error, but gives up on
// an error status (a gateway answering 503 while it starts): then this retries. After any outage the view is
// drawn again from scratch (event 'ut:reconnected'), since changes during the outage were not streamed.
const RetryAfterMs = 2000;
let source = null;
let retry = null;

export function watch(nodeId, handlers) {
  stop();
  const indicator = document.getElementById('live');
  let wasDown = false;
  const show = (state) => {
    indicator.dataset.state = state;
    indicator.textContent = state === 'open' ? t('live') : t('reconnecting');
    (window.__liveStates ??= []).push(state); // the sequence of states, for tests and debugging
  };
  const connect = () => {
    source = new EventSource(`/api/v1/nodes/${encodeURIComponent(nodeId)}/stream`);
    source.onerror = () => {
      wasDown = true;
      show('down');
      if (source.readyState === EventSource.CLOSED) {
        retry = setTimeout(connect, RetryAfterMs);
      }
    };
    source.addEventListener('snapshot', () => {
      show('open');
      if (wasDown) document.dispatchEvent(new Event('ut:reconnected'));
    });
    source.addEventListener('node', (e) => handlers.node?.(JSON.parse(e.data)));
    source.addEventListener('alarm', (e) => handlers.alarm?.(JSON.parse(e.data)));
  };
  show('down');
  connect();
}

export function stop() {
  clearTimeout(retry);
  source?.close();
  source = null;
}
