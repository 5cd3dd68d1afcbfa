import { api } from '../api.js';
import { el, debounce, keepSized } from '../dom.js';
import { t, statusBadge, aqiBadge, time } from '../i18n.js';
import { watch } from '../live.js';

const ops = { gte: '≥', gt: '>', lte: '≤', lt: '<' };

// One asset: its readings against their thresholds, its status, and a history chart; live through its district.
export async function renderAsset(root, id) {
  let asset = await api.asset(id);
  const metrics = Object.keys(asset.readings).length > 0 ? Object.keys(asset.readings) : Object.keys(asset.thresholds);
  const select = el('select', { id: 'history-metric', 'aria-label': t('metric') }, metrics.map((m) => el('option', { value: m }, m)));
  const chartBox = el('div', { class: 'chart', id: 'history-chart', role: 'img', 'aria-label': t('history') });
  const header = el('div', {});
  const table = el('tbody', {});
  root.classList.add('single');
  root.replaceChildren(
    el('section', { class: 'panel', id: 'asset', dataset: { assetId: id } },
      el('p', {}, el('a', { href: `#/nodes/${asset.nodeId}`, id: 'back' }, `← ${t('back')} ${asset.nodeId}`)), header,
      el('table', {}, el('thead', {}, el('tr', {}, ...['metric', 'value', 'level', 'thresholds'].map((k) => el('th', {}, t(k))))), table)),
    el('section', { class: 'panel' }, el('h2', {}, t('history'), ' ', select), chartBox));
  const chart = echarts.init(chartBox);
  keepSized(chart, chartBox);

  const draw = () => {
    header.replaceChildren(el('h2', {}, asset.name), el('p', {}, statusBadge(asset.status), ' ', el('span', { class: 'muted' }, asset.kind),
      ' · ', `${t('lastReading')}: ${time(asset.lastReadingAt)}`, asset.aqi ? [' · ', t('aqi'), ' ', aqiBadge(asset.aqi)] : null));
    table.replaceChildren(...Object.entries(asset.readings).map(([metric, r]) => el('tr', { dataset: { metric } },
      el('td', {}, metric), el('td', {}, `${r.value} ${r.unit}`), el('td', {}, statusBadge(r.level === 'none' ? 'normal' : r.level)),
      el('td', { class: 'muted' }, (asset.thresholds[metric] ?? []).map((th) => `${t(th.level)} ${ops[th.op] ?? th.op} ${th.value}`).join(' · ')))));
  };
  const plot = async () => {
    const points = await api.assetHistory(id, select.value);
    if (chart.isDisposed()) return; // the view was left meanwhile
    chart.setOption({
      animation: false,
      grid: { left: 50, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'time', axisLabel: { color: '#9fb0c0' } },
      yAxis: { type: 'value', scale: true, axisLabel: { color: '#9fb0c0' }, splitLine: { lineStyle: { color: '#2a3a4a' } } },
      tooltip: { trigger: 'axis' },
      series: [{ type: 'line', name: select.value, showSymbol: true, symbolSize: 8, lineStyle: { width: 3 }, data: points.map((p) => [p.ts, p.value]) }],
    }, true);
  };
  select.onchange = plot;
  draw();
  await plot();

  const refresh = debounce(async () => {
    asset = await api.asset(id);
    draw();
    await plot();
  }, 300);
  watch(asset.nodeId, { node: (view) => view.id === asset.nodeId && refresh() });
  return () => { chart.dispose(); root.classList.remove('single'); };
}
