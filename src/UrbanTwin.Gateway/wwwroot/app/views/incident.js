import { api } from '../api.js';
import { el } from '../dom.js';
import { t, nameOf, statusBadge, number } from '../i18n.js';
import { createMap } from '../map.js';

const Radius = 500;

// An alarm's surroundings (GET /alarms/{id}/surroundings): a map centred on its asset with the radius drawn, the
// assets within it nearest first (each a link, lighting its marker on focus), their counts by kind and status, and
// the districts the circle touches with their population.
export async function renderIncident(root, id) {
  const around = await api.surroundings(id, Radius);
  const outline = await api.nodeShape(around.alarm.nodeId).catch(() => null);
  const mapBox = el('div', { class: 'map', id: 'map', role: 'img', 'aria-label': t('map') });
  const rows = el('tbody', {});
  const counts = el('tbody', {});
  const districts = el('ul', { class: 'list', id: 'incident-districts' });
  root.replaceChildren(
    el('div', { class: 'main' }, el('section', { class: 'panel', id: 'incident', dataset: { alarmId: id } },
      el('p', {}, el('a', { href: `#/nodes/${around.alarm.nodeId}`, id: 'back' }, `← ${t('back')} ${around.alarm.nodeId}`)),
      el('h2', {}, `${t('surroundings')}: `, el('a', { href: `#/assets/${around.alarm.assetId}` }, around.alarm.assetId)),
      el('p', {}, statusBadge(around.alarm.level), ` ${around.alarm.metric} = ${around.alarm.value} · ${t('within')(around.radiusM)}: `,
        el('strong', { id: 'incident-count' }, number(around.assetCount)), ` ${t('assets')}`),
      mapBox)),
    el('aside', { class: 'side' },
      el('section', { class: 'panel' }, el('h2', {}, t('districts')), districts),
      el('section', { class: 'panel' }, el('h2', {}, t('kind')), el('table', { id: 'incident-kinds' },
        el('thead', {}, el('tr', {}, el('th', {}, t('kind')), ...['normal', 'warning', 'alarm', 'offline'].map((s) => el('th', {}, t(s))))), counts)),
      el('section', { class: 'panel' }, el('h2', {}, t('assets')), el('table', { id: 'incident-assets' },
        el('thead', {}, el('tr', {}, el('th', {}, t('assets')), el('th', {}, t('status')), el('th', {}, t('distance')))), rows))));

  const map = createMap(mapBox, (target) => { location.hash = target; });
  const items = around.assets.map((a) => ({ ...a, href: `#/assets/${a.id}` }));
  if (outline?.geometry) {
    map.markers(`district:${around.alarm.nodeId}`, outline, items, 'status', around.alarm.assetId, ring(around.centre, around.radiusM));
    map.highlight(around.alarm.assetId);
  }
  districts.replaceChildren(...around.districts.map((d) => el('li', { dataset: { nodeId: d.id } },
    el('a', { href: `#/nodes/${d.id}` }, nameOf(d)), ' ', el('span', { class: 'muted' }, d.population ? `${t('population')} ${number(d.population)}` : t('none')))));
  counts.replaceChildren(...Object.entries(around.byKind).map(([kind, c]) => el('tr', { dataset: { kind } },
    el('td', {}, kind), el('td', {}, c.normal), el('td', {}, c.warning), el('td', {}, c.alarm), el('td', {}, c.offline))));
  rows.replaceChildren(...around.assets.map((a) => {
    const link = el('a', { href: `#/assets/${a.id}` }, a.name);
    link.onfocus = () => map.highlight(a.id);
    link.onblur = () => map.highlight(around.alarm.assetId);
    return el('tr', { dataset: { assetId: a.id } }, el('td', {}, link), el('td', {}, statusBadge(a.status)), el('td', {}, `${Math.round(a.distanceM)} m`));
  }));
  return () => map.dispose();
}

/** The circle as 72 points at the radius (great-circle destinations), closed. */
function ring(centre, metres) {
  const R = 6371008.8;
  const d = metres / R;
  const [lat1, lng1] = [centre.lat * Math.PI / 180, centre.lng * Math.PI / 180];
  const points = [];
  for (let i = 0; i <= 72; i++) {
    const b = (2 * Math.PI * i) / 72;
    const lat2 = Math.asin(Math.sin(lat1) * Math.cos(d) + Math.cos(lat1) * Math.sin(d) * Math.cos(b));
    const lng2 = lng1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(lat1), Math.cos(d) - Math.sin(lat1) * Math.sin(lat2));
    points.push([lng2 * 180 / Math.PI, lat2 * 180 / Math.PI]);
  }
  return points;
}
