import { api } from '../api.js';
import { el, debounce } from '../dom.js';
import { t, nameOf, statusBadge, aqiBadge, number } from '../i18n.js';
import { createMap } from '../map.js';
import { watch } from '../live.js';
import { alarmPanel } from './alarms.js';
import { historyChart, ranges } from '../history.js';

// The aggregates a node's chart offers first; the API has more (NodeSeries).
const nodeSeries = ['activeAlarms', 'activeAlarms.alarm', 'activeAlarms.warning', 'assets.alarm', 'assets.warning', 'assets.offline', 'aqi', 'pm25.mean'];

const zoomOf = { city: 4, district: 14 };

// A province, cluster, city or district: map, key figures, what is below it, alarms; kept live by the stream.
export async function renderNode(root, id, { mode }) {
  const node = await api.node(id);
  const mapBox = el('div', { class: 'map', id: 'map', role: 'img', 'aria-label': t('map') });
  const figures = el('section', { class: 'panel', id: 'figures', 'aria-label': t('assets') });
  const below = el('section', { class: 'panel', id: 'below' }, el('h2', {}, t(`children.${node.kind}`)));
  const alarms = alarmPanel(id);
  const history = historyChart({
    id: 'node-history', series: nodeSeries, load: (series, range) => api.nodeHistory(id, series, `-${range}`, ranges[range].node),
  });
  root.replaceChildren(
    el('div', { class: 'main' }, el('section', { class: 'panel' }, el('h2', {}, nameOf(node)), mapBox), history.panel),
    el('aside', { class: 'side' }, figures, below, alarms.panel));
  const map = createMap(mapBox, (target) => { location.hash = target; });

  renderFigures(figures, node);
  const content = node.kind === 'district' ? districtAssets(below, node, map, mode) : await regionChildren(below, node, map, mode);
  await alarms.refresh();

  const refreshAlarms = debounce(() => alarms.refresh(), 300);
  watch(id, {
    node: (view) => {
      if (view.id === id) renderFigures(figures, view);
      content.update(view);
      refreshAlarms();
    },
    // An alarm also changes the counts in the rows: read them again, in case the change reached a row's parent
    // before its own summary did (the stream then carried an older count).
    alarm: () => { refreshAlarms(); content.refresh?.(); },
  });
  history.plot(); // not awaited: the view is live before its chart is drawn
  return () => { map.dispose(); history.dispose(); };
}

function renderFigures(panel, node) {
  const a = node.assets;
  const urbanization = node.indicators.urbanizationRate;
  const figure = (label, value, extra) => el('div', { class: 'figure' }, el('div', { class: 'label' }, label), el('div', { class: 'value' }, value), extra);
  panel.replaceChildren(el('div', { class: 'figures' },
    figure(t('assets'), number(a.total)),
    figure(t('normal'), number(a.byStatus.normal), statusBadge('normal')),
    figure(t('warning'), number(a.byStatus.warning), statusBadge('warning')),
    figure(t('alarm'), number(a.byStatus.alarm), statusBadge('alarm')),
    figure(t('offline'), number(a.byStatus.offline), statusBadge('offline')),
    figure(t('activeAlarms'), el('span', { id: 'active-alarms', dataset: { warning: node.activeAlarms.warning, alarm: node.activeAlarms.alarm } },
      `${node.activeAlarms.alarm} ■ · ${node.activeAlarms.warning} ▲`)),
    figure(t('urbanization'), urbanization ? `${urbanization.value}%` : t('none'), urbanization ? el('div', { class: 'label' }, urbanization.period) : null),
    figure(t('aqi'), aqiBadge(node.aqi))));
}

/** Province (cities grouped by cluster), cluster (cities) or city (districts): rows and the map. */
async function regionChildren(panel, node, map, mode) {
  const list = el('ul', { class: 'list', id: 'children' });
  panel.append(list);
  // What is listed: the cities (province, cluster) or districts (city), with the groups they sit in.
  let groups;
  let shapes = null;
  if (node.kind === 'province') {
    const clusters = await api.children(node.id);
    groups = await Promise.all(clusters.map(async (c) => ({ group: c, items: await api.children(c.id) })));
  } else {
    groups = [{ group: null, items: await api.children(node.id) }];
    // A city draws its districts' own polygons (the province map has only the cities'); none without boundaries.
    if (node.kind === 'city') shapes = await api.childShapes(node.id).catch(() => null);
  }
  const rows = new Map();

  const draw = () => {
    list.replaceChildren(...groups.flatMap(({ group, items }) => [
      group ? el('li', { class: 'group', dataset: { nodeId: group.id } }, el('a', { href: `#/nodes/${group.id}` }, nameOf(group))) : null,
      ...items.map((item) => {
        const row = el('li', {}, el('a', { class: 'row', href: `#/nodes/${item.id}`, dataset: { nodeId: item.id } },
          el('span', {}, nameOf(item)), statusBadge(item.status),
          el('span', { class: 'alarms', title: t('activeAlarms') }, `${item.activeAlarms.total} ⚠`),
          node.kind === 'city' ? aqiBadge(item.aqi) : el('span', {}, aqiBadge(item.aqi), ' ', el('span', { class: 'muted' }, number(item.indicators.population?.value)))));
        rows.set(item.id, row);
        return row;
      }),
    ].filter(Boolean)));
    const all = groups.flatMap((g) => g.items);
    if (node.kind === 'city' && shapes?.features?.some((f) => f.geometry)) {
      map.areas(`city:${node.id}`, shapes, all, mode);
    } else if (node.kind === 'city') {
      map.points(all.map((d) => ({ ...d, href: `#/nodes/${d.id}` })), mode, [node.location.lng, node.location.lat], zoomOf.city);
    } else {
      map.regions(all, mode, node.kind === 'cluster' ? new Set(all.map((c) => c.id)) : null);
    }
  };
  draw();

  // A stream on a province carries its clusters: when one changes, read its cities again. Every cluster that changed
  // within the debounce is read (a debounce alone keeps only the last call's argument: when two clusters changed
  // within 200 ms, the first one's cities kept their old counts until something else changed).
  const changedGroups = new Set();
  const reloadChanged = debounce(async () => {
    const ids = [...changedGroups];
    changedGroups.clear();
    for (const groupId of ids) {
      const group = groups.find((g) => g.group?.id === groupId);
      if (group) group.items = await api.children(groupId);
    }
    draw();
  }, 200);
  const reload = (groupId) => { changedGroups.add(groupId); reloadChanged(); };
  const refresh = debounce(async () => {
    for (const g of groups) g.items = await api.children(g.group?.id ?? node.id);
    draw();
  }, 1000);
  return {
    refresh: () => refresh(),
    update(view) {
      for (const g of groups) {
        const index = g.items.findIndex((i) => i.id === view.id);
        if (index >= 0) { g.items[index] = view; draw(); return; }
        if (g.group?.id === view.id) { g.group = view; reload(view.id); return; }
      }
    },
  };
}

/** A district: its assets, paged and filtered, and as markers over its outline (labels on hover, focus or selection). */
function districtAssets(panel, node, map, mode) {
  const outline = api.nodeShape(node.id).catch(() => null);
  const kinds = ['gas-pipeline', 'water-main', 'drainage-pipe', 'waterlogging-point', 'heating-pipe', 'bridge', 'utility-tunnel', 'air-quality-station'];
  const kind = el('select', { id: 'filter-kind', 'aria-label': t('kind') }, el('option', { value: '' }, t('all')), kinds.map((k) => el('option', { value: k }, k)));
  const status = el('select', { id: 'filter-status', 'aria-label': t('status') }, el('option', { value: '' }, t('all')),
    ['normal', 'warning', 'alarm', 'offline'].map((s) => el('option', { value: s }, t(s))));
  const body = el('tbody', {});
  const next = el('button', { type: 'button', id: 'next-page' }, t('next'));
  const first = el('button', { type: 'button', id: 'first-page' }, t('first'));
  panel.append(el('div', { class: 'filters' }, kind, status, first, next),
    el('table', { id: 'assets' }, el('thead', {}, el('tr', {}, el('th', {}, t('assets')), el('th', {}, t('kind')), el('th', {}, t('status')), el('th', {}, '⚠'))), body));
  let cursor = null;
  let nextCursor = null;

  async function load() {
    const page = await api.assets(node.id, { kind: kind.value, status: status.value, cursor, limit: 25 });
    nextCursor = page.nextCursor;
    next.disabled = !nextCursor;
    first.disabled = !cursor;
    body.replaceChildren(...page.items.map((a) => {
      const link = el('a', { href: `#/assets/${a.id}` }, a.name);
      // The row a keyboard or a pointer is on lights up its marker, label and all.
      link.onfocus = () => map.highlight(a.id);
      link.onblur = () => map.highlight(null);
      const row = el('tr', { dataset: { assetId: a.id } },
        el('td', {}, link), el('td', { class: 'muted' }, a.kind), el('td', {}, statusBadge(a.status)), el('td', {}, a.activeAlarms));
      row.onmouseenter = () => map.highlight(a.id);
      row.onmouseleave = () => map.highlight(null);
      return row;
    }));
    const shape = await outline;
    const items = page.items.map((a) => ({ ...a, href: `#/assets/${a.id}` }));
    if (shape?.geometry) {
      map.markers(`district:${node.id}`, shape, items, mode);
    } else {
      map.points(items, mode, [node.location.lng, node.location.lat], zoomOf.district);
    }
  }
  const show = () => load().catch((error) => console.warn(`asset page not loaded: ${error.message}`));
  kind.onchange = status.onchange = () => { cursor = null; show(); };
  next.onclick = () => { cursor = nextCursor; show(); };
  first.onclick = () => { cursor = null; show(); };
  show();
  const reload = debounce(load, 300);
  return { update: (view) => view.id === node.id && reload() };
}
