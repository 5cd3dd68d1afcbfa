import { t } from './i18n.js';

// While a silo fails over, the gateway answers reads from the last state it saw, marked "stale" with its age (the
// HTTP Age header). The header says so, and the view is drawn again every few seconds until every answer is fresh.
const RefreshAfterMs = 2000;
let staleInView = false;
let oldest = 0;
let refresh = null;

/** Called by the API client for every JSON answer. */
export function noteAnswer(body, response) {
  if (body?.stale !== true) return;
  staleInView = true;
  oldest = Math.max(oldest, Number(response.headers.get('age') ?? 0));
  show();
  clearTimeout(refresh);
  refresh = setTimeout(() => document.dispatchEvent(new Event('ut:refresh')), RefreshAfterMs);
}

/** A view is about to be drawn from scratch: what it reads decides whether it is stale. */
export function beginView() {
  staleInView = false;
  oldest = 0;
}

/** The view is drawn: if nothing it read was stale, the notice goes. */
export function endView() {
  if (!staleInView) {
    clearTimeout(refresh);
    const notice = document.getElementById('stale');
    notice.hidden = true;
    notice.textContent = '';
  }
}

function show() {
  const notice = document.getElementById('stale');
  notice.hidden = false;
  notice.textContent = t('stale')(oldest);
}
