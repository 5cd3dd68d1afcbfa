import { keepSized } from './dom.js';
import { t, nameOf, lang } from './i18n.js';

// ECharts over boundaries: the vendored province map ('山西', features named 太原市…) for the province and clusters,
// the gateway's own GeoJSON for a city's districts and a district's outline. Regions or markers are coloured by status
// or by AQI; a click navigates to the node or asset. The element says what is drawn (data-map, data-regions,
// data-markers, data-labels), for tests and assistive tools alike.
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

  // A view drawn later makes the markers view's pending re-clustering a no-op (it would add its series to another view).
  let view = 0;
  const describe = (map, regions, markers, labels) => {
    view++;
    clusterOf = () => undefined;
    Object.assign(element.dataset, { map, regions, markers, labels, clusters: '0', clustered: '0' });
  };
  // Markers views: re-form the clusters at the current scale, and which cluster an asset is drawn in.
  let recluster = () => {};
  let clusterOf = () => undefined;
  let pending = 0;
  chart.on('georoam', () => { cancelAnimationFrame(pending); pending = requestAnimationFrame(() => recluster()); });
  // A click on a cluster zooms in on it, centred there, until its members spread over about 120 px (at least twice,
  // at most 32 times closer), where they no longer overlap.
  chart.on('click', (params) => {
    if (params.seriesId !== 'clusters' || !params.data?.members) return;
    const at = params.data.members.map((m) => chart.convertToPixel({ geoIndex: 0 }, [m.lng, m.lat]));
    const extent = Math.max(1, ...[0, 1].map((axis) => Math.max(...at.map((p) => p[axis])) - Math.min(...at.map((p) => p[axis]))));
    const geo = chart.getOption().geo?.[0];
    chart.setOption({ geo: { center: params.data.value, zoom: (geo?.zoom ?? 1) * Math.min(32, Math.max(2, 120 / extent)) } });
    recluster();
  });
  // A map is registered once per name; a boundary that changed (an import) needs a new page load to be redrawn.
  const ensureMap = (name, geoJson) => { if (!echarts.getMap(name)) echarts.registerMap(name, geoJson); };

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
      describe('山西', cities.length, 0, 'always');
    },
    /**
     * A city's districts as their own polygons (a FeatureCollection whose features carry the node id), coloured like
     * the cities, labelled with their names, each a link.
     */
    areas(name, shapes, items, mode) {
      if (chart.isDisposed()) return;
      // ECharts names a region by a property: the node id, which GeoJSON carries as each feature's own id.
      ensureMap(name, { ...shapes, features: shapes.features.map((f) => ({ ...f, properties: { ...f.properties, id: f.id } })) });
      chart.setOption({
        visualMap: visualMap(mode),
        geo: [],
        series: [{
          type: 'map', map: name, nameProperty: 'id', roam: true, selectedMode: false, layoutCenter: ['50%', '50%'], layoutSize: '95%',
          label: { show: true, color: '#111', fontSize: 12, formatter: (p) => p.data?.label ?? p.name },
          labelLayout: { hideOverlap: true },
          itemStyle: { borderColor: '#0f1720', borderWidth: 1.5 },
          data: items.map((d) => ({ name: d.id, label: nameOf(d), target: `#/nodes/${d.id}`, value: valueOf(d, mode) })),
        }],
        tooltip: { trigger: 'item', formatter: (p) => p.data?.label ?? p.name },
      }, { replaceMerge: ['series', 'geo', 'visualMap'] });
      describe(name, shapes.features.length, 0, 'always');
    },
    /**
     * Markers over one outline (a district's boundary, fitted to the view): no labels until a marker is hovered or
     * selected, so forty assets never pile their names into one knot. Markers that would overlap on screen are drawn
     * as one cluster (its count, coloured by its worst status; hover lists its names), re-formed on every zoom or pan;
     * a click on a cluster zooms in until its members stand apart. <selected> (an id) is drawn larger and never hidden in a cluster.
     */
    markers(name, outline, items, mode, selected, ring) {
      if (chart.isDisposed()) return;
      ensureMap(name, { type: 'FeatureCollection', features: [outline] });
      const placed = items.filter((i) => i.location);
      // With a ring (an incident's radius), the view is the ring's box, twice as wide: the circle and what is just outside it.
      const lngs = ring?.map((p) => p[0]) ?? [];
      const lats = ring?.map((p) => p[1]) ?? [];
      const box = ring && (() => {
        const [w, s, e, n] = [Math.min(...lngs), Math.min(...lats), Math.max(...lngs), Math.max(...lats)];
        const [dx, dy] = [(e - w) / 2, (n - s) / 2];
        return [[w - dx, n + dy], [e + dx, s - dy]];
      })();
      const colour = (i) => (mode === 'aqi' ? i.aqi?.color ?? '#3b4d60' : statusColor[i.status] ?? '#3b4d60');
      // Redrawn with new data (a live update): the operator's zoom and pan stay where they were.
      const shown = element.dataset.map === name ? chart.getOption()?.geo?.[0] : null;
      const kept = shown?.center ? { center: shown.center, zoom: shown.zoom } : {};
      chart.setOption({
        visualMap: [],
        geo: {
          map: name, roam: true, layoutCenter: ['50%', '50%'], layoutSize: '90%', label: { show: false },
          ...(box ? { boundingCoords: box } : {}), ...kept,
          itemStyle: { areaColor: '#1d2a38', borderColor: '#6b8099', borderWidth: 2 }, emphasis: { disabled: true },
        },
        series: [
          {
            id: 'markers', type: 'scatter', coordinateSystem: 'geo',
            symbolSize: (value, p) => (p.data?.name === selected ? 22 : 12),
            label: { show: false, formatter: (p) => p.data.label, position: 'right', color: '#e8eef4', fontSize: 12, backgroundColor: '#0f1720cc', padding: 3 },
            emphasis: { label: { show: true }, scale: 1.6 },
            data: [],
          },
          ...(ring ? [{
            id: 'ring', type: 'lines', coordinateSystem: 'geo', polyline: true, silent: true,
            lineStyle: { color: '#e8eef4', width: 2, type: 'dashed', opacity: 0.9 }, data: [{ coords: ring }],
          }] : []),
          {
            id: 'clusters', type: 'scatter', coordinateSystem: 'geo', symbolSize: (value, p) => 18 + 4 * Math.log2(p.data?.members.length ?? 2),
            label: { show: true, formatter: (p) => String(p.data.members.length), color: '#0f1720', fontSize: 11, fontWeight: 'bold' },
            emphasis: { scale: 1.2 },
            data: [],
          },
        ],
        tooltip: {
          trigger: 'item',
          formatter: (p) => (p.data?.members ? p.data.members.map((m) => m.label).join('<br>') : p.data?.label ?? ''),
        },
      }, { replaceMerge: ['series', 'geo', 'visualMap'] });

      describe(name, 1, placed.length, 'on-hover');
      element.dataset.ring = ring ? 'drawn' : '';
      const mine = view;
      const pixelRadius = 14; // markers closer than this on screen overlap (a marker is 12 px across)
      recluster = () => {
        if (chart.isDisposed() || mine !== view) return;
        const groups = [];
        // The selected marker first: it always stands alone; then each joins the first group within reach of its seed.
        const ordered = [...placed].sort((a, b) => (b.id === selected) - (a.id === selected));
        for (const item of ordered) {
          const at = chart.convertToPixel({ geoIndex: 0 }, [item.location.lng, item.location.lat]);
          const near = item.id === selected ? null
            : groups.find((g) => g.seed !== selected && Math.hypot(g.at[0] - at[0], g.at[1] - at[1]) < pixelRadius);
          if (near) near.members.push(item);
          else groups.push({ at, seed: item.id, members: [item] });
        }
        const worst = (members) => members.reduce((w, m) => ((statusValue[m.status] ?? -1) > (statusValue[w.status] ?? -1) ? m : w));
        const singles = groups.filter((g) => g.members.length === 1).map((g) => g.members[0]);
        const clusters = groups.filter((g) => g.members.length > 1);
        chart.setOption({
          series: [
            {
              id: 'markers',
              data: singles.map((i) => ({
                name: i.id, label: nameOf(i), target: i.href, value: [i.location.lng, i.location.lat],
                itemStyle: { color: colour(i), borderColor: '#0f1720' },
              })),
            },
            {
              id: 'clusters',
              data: clusters.map((g) => {
                const centre = chart.convertFromPixel({ geoIndex: 0 }, g.at);
                return {
                  name: `cluster:${g.seed}`, value: centre,
                  members: g.members.map((m) => ({ id: m.id, label: nameOf(m), lng: m.location.lng, lat: m.location.lat })),
                  itemStyle: { color: mode === 'aqi' ? '#8fb3d9' : statusColor[worst(g.members).status] ?? '#3b4d60', borderColor: '#e8eef4', borderWidth: 1.5 },
                };
              }),
            },
          ],
        });
        const memberOf = new Map(clusters.flatMap((g) => g.members.map((m) => [m.id, `cluster:${g.seed}`])));
        clusterOf = (id) => memberOf.get(id);
        element.dataset.clusters = String(clusters.length);
        element.dataset.clustered = String(clusters.reduce((n, g) => n + g.members.length, 0));
      };
      recluster();
    },
    /** Lights up one marker (a list row got focus or the pointer), or the cluster it is drawn in: its label shows, as on hover. */
    highlight(id) {
      if (chart.isDisposed()) return;
      chart.dispatchAction({ type: 'downplay', seriesId: 'markers' });
      chart.dispatchAction({ type: 'downplay', seriesId: 'clusters' });
      const inCluster = id && clusterOf(id);
      if (inCluster) chart.dispatchAction({ type: 'highlight', seriesId: 'clusters', name: inCluster });
      else if (id) chart.dispatchAction({ type: 'highlight', seriesId: 'markers', name: id });
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
      describe('山西', 0, items.length, items.length <= 40 ? 'always' : 'none');
    },
    dispose: () => chart.dispose(),
  };
}
