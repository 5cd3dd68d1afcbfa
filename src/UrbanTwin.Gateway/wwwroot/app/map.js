import { keepSized } from './dom.js';
import { t, nameOf, lang } from './i18n.js';

// ECharts over the vendored Shanxi boundaries (map '山西', features named 太原市…). Regions or markers are coloured
// by status or by AQI; a click navigates to the node or asset.
const statusValue = { normal: 0, warning: 1, alarm: 2, offline: 3 };
const statusPieces = () => [
  { value: 0, label: t('normal'), color: '#43a047' }, { value: 1, label: t('warning'), color: '#f9a825' },
  { value: 2, label: t('alarm'), color: '#e53935' }, { value: 3, label: t('offline'), color: '#8e9aa5' },
];
// HJ 633-2012 bands and colours (FACTS.md §3).
const statusColor = { normal: '#43a047', warning: '#f9a825', alarm: '#e53935', offline: '#8e9aa5' };
const aqiPieces = [
  { min: 0, max: 50, color: '#00E400' }, { min: 51, max: 100, color: '#FFFF00' }, { min: 101, max: 150, color: '#FF7E00' },
  { min: 151, max: 200, color: '#FF0000' }, { min: 201, max: 300, color: '#99004C' }, { min: 301, color: '#7E0023' },
];

export function createMap(element, onSelect) {
  const chart = echarts.init(element, null, { renderer: 'canvas' });
  // No animation: a wall display updates in place every few seconds, and a screenshot shows what is there.
  chart.setOption({ animation: false });
  chart.on('click', (params) => params.data?.target && onSelect(params.data.target));
  keepSized(chart, element);

  const valueOf = (item, mode) => (mode === 'aqi' ? item.aqi?.value ?? null : statusValue[item.status] ?? 3);
  const visualMap = (mode, dimension) => ({
    type: 'piecewise', pieces: mode === 'aqi' ? aqiPieces : statusPieces(), dimension, left: 10, bottom: 10,
    textStyle: { color: '#e8eef4', fontSize: 14 }, outOfRange: { color: '#3b4d60' },
  });

  return {
    /** The 11 city polygons, coloured; ids outside <highlight> are dimmed (a cluster's view). */
    regions(cities, mode, highlight) {
      if (chart.isDisposed()) return; // a late refresh of a view that has been left
      chart.setOption({
        visualMap: visualMap(mode),
        geo: [], // with replaceMerge, an empty array removes the markers view's geo component
        series: [{
          type: 'map', map: '山西', roam: false, selectedMode: false, layoutCenter: ['50%', '50%'], layoutSize: '95%',
          label: { show: true, color: '#111', fontSize: 13, formatter: (p) => (lang() === 'zh' ? p.name : p.data?.label ?? p.name) },
          itemStyle: { borderColor: '#0f1720', borderWidth: 1.5 },
          data: cities.map((c) => ({
            name: c.nameZh, label: c.name, target: `#/nodes/${c.id}`,
            value: highlight && !highlight.has(c.id) ? null : valueOf(c, mode),
          })),
        }],
        tooltip: { trigger: 'item', formatter: (p) => p.data ? `${p.data.label} ${p.name}` : p.name },
      }, { replaceMerge: ['series', 'geo', 'visualMap'] });
    },
    /** Markers (districts at their seats, or assets) over the province's outline, centred on the scope. */
    points(items, mode, center, zoom) {
      if (chart.isDisposed()) return;
      chart.setOption({
        visualMap: [],
        geo: {
          map: '山西', roam: true, center, zoom, label: { show: false },
          itemStyle: { areaColor: '#1d2a38', borderColor: '#3b4d60' }, emphasis: { disabled: true },
        },
        series: [{
          type: 'scatter', coordinateSystem: 'geo', symbolSize: 16,
          label: { show: items.length <= 40, formatter: (p) => p.data.label, position: 'right', color: '#e8eef4', fontSize: 12 },
          data: items.filter((i) => i.location).map((i) => ({
            name: i.id, label: nameOf(i), target: i.href, value: [i.location.lng, i.location.lat],
            itemStyle: { color: mode === 'aqi' ? i.aqi?.color ?? '#3b4d60' : statusColor[i.status] ?? '#3b4d60', borderColor: '#0f1720' },
          })),
        }],
        tooltip: { trigger: 'item', formatter: (p) => p.data?.label ?? '' },
      }, { replaceMerge: ['series', 'geo', 'visualMap'] });
    },
    dispose: () => chart.dispose(),
  };
}
