import { t } from './i18n.js';

// While a silo fails over, the gateway answers reads from the last state it saw, marked "stale" with its age (the
// HTTP Age header). The header says so, and the view is drawn again every few seconds until every answer is fresh.
// The next drawing is scheduled only once a view is complete: scheduled during a slow drawing, it would start over
// before that drawing ends, and the view would never be finished.
const RefreshAfterMs = 2000;
let drawing = false;
let staleInView = false;
let oldest = 0;
let refresh = null;

/** Called by the API client for every JSON answer. */
export function noteAnswer(body, response) {
  if (body?.stale !== true) return;
  staleInView = true;
  oldest = Math.max(oldest, Number(response.headers.get('age') ?? 0));
  show();
  if (!drawing) scheduleRefresh(); // a live update of a complete view read a stale answer
}

/** A view is about to be drawn from scratch: what it reads decides whether it is stale. */
export function beginView() {
  drawing = true;
  staleInView = false;
  oldest = 0;
  clearTimeout(refresh);
}

/** The view is drawn (or could not be): if it read anything stale it is drawn again, else the notice goes. */
export function endView() {
  drawing = false;
  if (staleInView) {
    scheduleRefresh();
    return;
  }
  clearTimeout(refresh);
  const notice = document.getElementById('stale');
  notice.hidden = true;
  notice.textContent = '';
}

function scheduleRefresh() {
  clearTimeout(refresh);
  refresh = setTimeout(() => document.dispatchEvent(new Event('ut:refresh')), RefreshAfterMs);
}

function show() {
  const notice = document.getElementById('stale');
  notice.hidden = false;
  notice.textContent = t('stale')(oldest);
}
