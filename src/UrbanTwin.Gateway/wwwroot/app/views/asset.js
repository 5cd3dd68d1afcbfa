import { api } from '../api.js';
import { el, debounce } from '../dom.js';
import { historyChart, ranges } from '../history.js';
import { t, statusBadge, aqiBadge, time } from '../i18n.js';
import { watch } from '../live.js';
import { createMap } from '../map.js';

const ops = { gte: '≥', gt: '>', lte: '≤', lt: '<' };

// One asset: its readings against their thresholds, its status, and a history chart; live through its district.
export async function renderAsset(root, id) {
  let asset = await api.asset(id);
  const metrics = Object.keys(asset.readings).length > 0 ? Object.keys(asset.readings) : Object.keys(asset.thresholds);
  const history = historyChart({
    // An asset with neither readings nor thresholds yet (a new air-quality station) has no series to ask for.
    id: 'history', series: metrics, load: (metric, range) => (metric ? api.assetHistory(id, metric, `-${range}`, ranges[range].asset) : Promise.resolve([])),
  });
  const header = el('div', {});
  const table = el('tbody', {});
  const mapBox = el('div', { class: 'map small', id: 'map', role: 'img', 'aria-label': t('map') });
  root.classList.add('single');
  root.replaceChildren(
    el('section', { class: 'panel', id: 'asset', dataset: { assetId: id } },
      el('p', {}, el('a', { href: `#/nodes/${asset.nodeId}`, id: 'back' }, `← ${t('back')} ${asset.nodeId}`)), header,
      el('table', {}, el('thead', {}, el('tr', {}, ...['metric', 'value', 'level', 'thresholds'].map((k) => el('th', {}, t(k))))), table)),
    history.panel,
    el('section', { class: 'panel' }, el('h2', {}, t('position')), mapBox));
  // Where it is: its district's outline, this asset marked (its label shown), a click on it does nothing new.
  const map = createMap(mapBox, (target) => { location.hash = target; });
  const outline = await api.nodeShape(asset.nodeId).catch(() => null);
  const place = () => {
    const item = { ...asset, href: `#/assets/${asset.id}` };
    if (outline?.geometry) {
      map.markers(`district:${asset.nodeId}`, outline, [item], 'status', asset.id);
      map.highlight(asset.id);
    }
  };
  place();

  const draw = () => {
    header.replaceChildren(el('h2', {}, asset.name), el('p', {}, statusBadge(asset.status), ' ', el('span', { class: 'muted' }, asset.kind),
      ' · ', `${t('lastReading')}: ${time(asset.lastReadingAt)}`, asset.aqi ? [' · ', t('aqi'), ' ', aqiBadge(asset.aqi)] : null));
    table.replaceChildren(...Object.entries(asset.readings).map(([metric, r]) => el('tr', { dataset: { metric } },
      el('td', {}, metric), el('td', {}, `${r.value} ${r.unit}`), el('td', {}, statusBadge(r.level === 'none' ? 'normal' : r.level)),
      el('td', { class: 'muted' }, (asset.thresholds[metric] ?? []).map((th) => `${t(th.level)} ${ops[th.op] ?? th.op} ${th.value}`).join(' · ')))));
  };
  draw();
  await history.plot();

  const refresh = debounce(async () => {
    asset = await api.asset(id);
    draw();
    place();
    await history.plot();
  }, 300);
  watch(asset.nodeId, { node: (view) => view.id === asset.nodeId && refresh() });
  return () => { history.dispose(); map.dispose(); root.classList.remove('single'); };
}
