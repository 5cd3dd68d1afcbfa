// A tiny element builder: el('a', { href: '#', class: 'row', dataset: { nodeId: 'x' } }, 'text', child…)
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value == null || value === false) continue;
    if (key === 'dataset') Object.assign(element.dataset, value);
    else if (key === 'class') element.className = value;
    else if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else element.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/**
 * Runs fn at most once per delay, after the last call (coalesces bursts of live events). A refresh that fails
 * (the gateway restarting, say) keeps the view as it was: the live indicator already says the stream is down,
 * and the next event after it reconnects refreshes again.
 */
export function debounce(fn, delay) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => Promise.resolve()
      .then(() => fn(...args))
      .catch((error) => console.warn(`refresh failed, keeping the last view: ${error.message}`)), delay);
  };
}

/**
 * Keeps an ECharts instance sized to its element: on the next frame (resizing inside the observer callback raises
 * "ResizeObserver loop" errors), never for a disposed chart or an element without a size (detached, hidden).
 */
export function keepSized(chart, element) {
  new ResizeObserver(() => requestAnimationFrame(() => {
    if (chart.isDisposed() || element.clientWidth === 0 || element.clientHeight === 0) return;
    try {
      chart.resize();
    } catch (error) {
      console.warn(`chart resize skipped: ${error.message}`); // a layout mid-update; the next resize catches up
    }
  })).observe(element);
}
