import { el, keepSized } from './dom.js';
import { t } from './i18n.js';

// The ranges an operator picks from, and the step each is drawn at (a chart needs hundreds of points, not millions).
export const ranges = {
  '1h': { asset: 'raw', node: '10s' },
  '24h': { asset: '1m', node: '1m' },
  '7d': { asset: '1h', node: '1h' },
  '30d': { asset: '1h', node: '1h' },
};

// A history chart with its series picker and range picker; `load(series, range)` answers the points to draw.
// Beyond what the gateway keeps (no history store: 24 h), the API's refusal is shown in place of the chart.
export function historyChart({ id, series, load }) {
  const select = el('select', { id: `${id}-series`, 'aria-label': t('metric') }, series.map((m) => el('option', { value: m }, m)));
  const range = el('select', { id: `${id}-range`, 'aria-label': t('range') },
    Object.keys(ranges).map((r) => el('option', { value: r }, t(`ranges.${r}`))));
  const box = el('div', { class: 'chart', id: `${id}-chart`, role: 'img', 'aria-label': t('history') });
  const message = el('p', { class: 'muted', id: `${id}-message`, hidden: true });
  const panel = el('section', { class: 'panel', id }, el('h2', {}, t('history'), ' ', select, ' ', range), message, box);
  const chart = echarts.init(box);
  keepSized(chart, box);
  const plot = async () => {
    let points;
    try {
      points = await load(select.value, range.value);
      message.hidden = true;
    } catch (error) {
      if (chart.isDisposed()) return;
      message.textContent = error.message;
      message.hidden = false;
      points = [];
    }
    if (chart.isDisposed()) return; // the view was left meanwhile
    chart.setOption({
      animation: false,
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'time', axisLabel: { color: '#9fb0c0' } },
      yAxis: { type: 'value', scale: true, axisLabel: { color: '#9fb0c0' }, splitLine: { lineStyle: { color: '#2a3a4a' } } },
      tooltip: { trigger: 'axis' },
      series: [{ type: 'line', name: select.value, showSymbol: points.length < 200, symbolSize: 8, lineStyle: { width: 3 },
        data: points.map((p) => [p.ts, p.value]) }],
    }, true);
    box.dataset.points = points.length;
  };
  select.onchange = plot;
  range.onchange = plot;
  return { panel, plot, dispose: () => chart.dispose() };
}
