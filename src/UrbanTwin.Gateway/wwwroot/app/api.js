import { noteAnswer } from './freshness.js';

// The gateway's own API, same origin. Every call throws with the problem's detail when the answer is not 2xx.
async function call(path, options) {
  const response = await fetch(path, options);
  if (!response.ok) {
    let detail = `${response.status}`;
    try { detail = (await response.json()).detail ?? detail; } catch { /* not JSON */ }
    const error = new Error(detail);
    error.status = response.status;
    throw error;
  }
  const body = await response.json();
  noteAnswer(body, response);
  return body;
}

const enc = encodeURIComponent;
const geoJson = { headers: { accept: 'application/geo+json' } };

export const api = {
  me: () => call('/api/v1/auth/me'),
  // The key goes into an HttpOnly cookie the gateway sets: fetches and the live stream carry it from then on.
  signIn: (key) => fetch('/api/v1/auth/session', { method: 'POST', headers: { 'x-api-key': key } }).then((r) => r.ok),
  signOut: () => fetch('/api/v1/auth/session', { method: 'DELETE' }),
  node: (id) => call(`/api/v1/nodes/${enc(id)}`),
  children: (id) => call(`/api/v1/nodes/${enc(id)}/children`).then((r) => r.items),
  // GeoJSON: a node as a Feature with its boundary, its children as a FeatureCollection.
  nodeShape: (id) => call(`/api/v1/nodes/${enc(id)}`, geoJson),
  childShapes: (id) => call(`/api/v1/nodes/${enc(id)}/children`, geoJson),
  assets: (node, { kind, status, cursor, limit = 50 } = {}) => {
    const q = new URLSearchParams({ node, limit });
    if (kind) q.set('kind', kind);
    if (status) q.set('status', status);
    if (cursor) q.set('cursor', cursor);
    return call(`/api/v1/assets?${q}`);
  },
  asset: (id) => call(`/api/v1/assets/${enc(id)}`),
  assetHistory: (id, metric, from = '-24h', step = 'raw') =>
    call(`/api/v1/assets/${enc(id)}/history?metric=${enc(metric)}&from=${enc(from)}&step=${enc(step)}`).then((r) => r.points),
  nodeHistory: (id, metric, from, step) =>
    call(`/api/v1/nodes/${enc(id)}/history?metric=${enc(metric)}&from=${enc(from)}&step=${enc(step)}`).then((r) => r.points),
  surroundings: (id, radius = 500) => call(`/api/v1/alarms/${enc(id)}/surroundings?radius=${radius}`),
  alarms: (node, limit = 30) => call(`/api/v1/alarms?node=${enc(node)}&limit=${limit}`).then((r) => r.items),
  acknowledge: (id, by) => call(`/api/v1/alarms/${enc(id)}/ack`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ by }),
  }),
  subscriptions: () => call('/api/v1/subscriptions').then((r) => r.items),
  changeSubscription: (id, change) => call(`/api/v1/subscriptions/${enc(id)}`, {
    method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(change),
  }),
  deadLetters: (id) => call(`/api/v1/subscriptions/${enc(id)}/dead-letters`).then((r) => r.items),
  replayDeadLetters: (id) => call(`/api/v1/subscriptions/${enc(id)}/dead-letters/replay`, { method: 'POST' }),
};
