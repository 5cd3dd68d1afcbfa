// Two languages, switchable; names come from the API (name / nameZh), labels from here.
const labels = {
  en: {
    title: 'UrbanTwin', language: '中文', colorStatus: 'Colour: status', colorAqi: 'Colour: AQI',
    live: '● live', reconnecting: '○ reconnecting…', stale: (s) => `◐ last known state, ${s} s old: the cluster is recovering`, assets: 'Assets', activeAlarms: 'Active alarms', warning: 'Warning',
    alarm: 'Alarm', normal: 'Normal', offline: 'Offline', urbanization: 'Urbanization', aqi: 'AQI', population: 'Population',
    alarms: 'Alarms', acknowledge: 'Acknowledge', acknowledged: 'acknowledged', active: 'active', cleared: 'cleared',
    children: { province: 'Cities by cluster', cluster: 'Cities', city: 'Districts', district: 'Assets' },
    noAlarms: 'No alarms', kind: 'Kind', status: 'Status', all: 'All', next: 'Next page', first: 'First page',
    readings: 'Readings', metric: 'Metric', value: 'Value', level: 'Level', thresholds: 'Thresholds', history: 'History',
    range: 'Range', ranges: { '1h': 'Last hour', '24h': 'Last 24 h', '7d': 'Last 7 days', '30d': 'Last 30 days' },
    back: 'Back to', by: 'Acknowledge as', lastReading: 'Last reading', none: '—', map: 'Map', position: 'Position', surroundings: 'Surroundings', within: (m) => `within ${m} m`, distance: 'Distance', districts: 'Districts touched',
    signIn: 'Sign in', signOut: 'Sign out', apiKey: 'API key', keyUnknown: 'This key is not known.',
    signInNeeded: 'This gateway needs an API key. It is kept for this browser session only, where page scripts cannot read it.',
    webhooks: {
      title: 'Webhooks', link: 'Webhooks', about: 'Integrators\' endpoints that receive alarms and status changes, signed, at least once. Managed through /api/v1/subscriptions.',
      url: 'Endpoint', events: 'Events', scope: 'Under', state: 'State', delivered: 'Delivered', pending: 'Pending', failed: 'Failed attempts',
      deadLettered: 'Dead letters', lastError: 'Last error', everywhere: 'everywhere', active: 'active', paused: 'paused', disabled: 'disabled',
      letters: 'Dead letters', hideLetters: 'Hide', replay: 'Replay', pause: 'Pause', resume: 'Resume', none: 'No subscriptions.',
      noLetters: 'No dead letters.', attempts: 'attempts', forbidden: 'Webhook subscriptions need an operator or admin key.',
    },
  },
  zh: {
    title: '城市数字孪生', language: 'English', colorStatus: '着色：状态', colorAqi: '着色：空气质量',
    live: '● 实时', reconnecting: '○ 正在重连…', stale: (s) => `◐ 显示 ${s} 秒前的最后状态：集群正在恢复`, assets: '设施', activeAlarms: '当前告警', warning: '预警',
    alarm: '告警', normal: '正常', offline: '离线', urbanization: '城镇化率', aqi: '空气质量指数', population: '人口',
    alarms: '告警列表', acknowledge: '确认', acknowledged: '已确认', active: '未处理', cleared: '已解除',
    children: { province: '城市（按城市群）', cluster: '城市', city: '区县', district: '设施' },
    noAlarms: '无告警', kind: '类型', status: '状态', all: '全部', next: '下一页', first: '第一页',
    readings: '读数', metric: '指标', value: '数值', level: '级别', thresholds: '阈值', history: '历史',
    range: '时间范围', ranges: { '1h': '近1小时', '24h': '近24小时', '7d': '近7天', '30d': '近30天' },
    back: '返回', by: '确认人', lastReading: '最近读数', none: '—', map: '地图', position: '位置', surroundings: '周边', within: (m) => `${m} 米范围内`, distance: '距离', districts: '涉及区县',
    signIn: '登录', signOut: '退出', apiKey: 'API 密钥', keyUnknown: '密钥无效。',
    signInNeeded: '此网关需要 API 密钥。密钥仅在本次浏览器会话中保存，页面脚本无法读取。',
    webhooks: {
      title: '事件推送', link: '事件推送', about: '集成方接收告警与状态变化的地址（签名、至少一次送达）。通过 /api/v1/subscriptions 管理。',
      url: '地址', events: '事件', scope: '范围', state: '状态', delivered: '已送达', pending: '待送达', failed: '失败次数',
      deadLettered: '死信', lastError: '最近错误', everywhere: '全省', active: '启用', paused: '已暂停', disabled: '已停用',
      letters: '死信', hideLetters: '收起', replay: '重发', pause: '暂停', resume: '恢复', none: '无订阅。',
      noLetters: '无死信。', attempts: '次尝试', forbidden: '事件推送订阅需要值班员或管理员密钥。',
    },
  },
};

let language = localStorage.getItem('ut.language') === 'zh' ? 'zh' : 'en';

export const t = (key) => key.split('.').reduce((o, k) => o?.[k], labels[language]) ?? key;
export const lang = () => language;
export function toggleLanguage() {
  language = language === 'en' ? 'zh' : 'en';
  localStorage.setItem('ut.language', language);
  document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
}
export const nameOf = (node) => (language === 'zh' && node.nameZh) || node.name;

// Status is shown by a shape and a word as well as a colour.
const shapes = { normal: '●', warning: '▲', alarm: '■', offline: '○' };
export function statusBadge(status) {
  const span = document.createElement('span');
  span.className = 'status';
  span.dataset.status = status;
  span.textContent = `${shapes[status] ?? '?'} ${t(status)}`;
  return span;
}

export function aqiBadge(aqi) {
  const span = document.createElement('span');
  if (!aqi) {
    span.className = 'muted';
    span.textContent = t('none');
    return span;
  }
  span.className = 'aqi';
  span.style.background = aqi.color;
  span.title = language === 'zh' ? aqi.categoryZh : aqi.category;
  span.textContent = `${aqi.value} ${language === 'zh' ? aqi.categoryZh : aqi.category}`;
  return span;
}

export const number = (v) => (v == null ? t('none') : new Intl.NumberFormat(language === 'zh' ? 'zh-CN' : 'en').format(v));
export const time = (iso) => (iso ? new Date(iso).toLocaleString(language === 'zh' ? 'zh-CN' : 'en-GB') : t('none'));
