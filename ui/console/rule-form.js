// The rule editor's form <-> the API's rule JSON (docs/merchandising.md). Each
// input carries data-param, the JSON path prefix the API names in its 400s, so
// an error shows at its field.
import { el } from '../shared/dom.js';

const FILTER_FIELDS = 'brand, color, gender, category, size, season, material, in_stock, price, rating';

function field(label, param, input, hint) {
  const id = `field-${param.replace(/[^a-z0-9]+/gi, '-')}`;
  input.id = id;
  input.dataset.param = param;
  const error = el('p', { class: 'field__error', id: `${id}-error`, hidden: true });
  input.setAttribute('aria-describedby', `${id}-error`);
  return el('div', { class: 'field' }, el('label', { for: id }, label), input,
    hint ? el('p', { class: 'field__hint' }, hint) : null, error);
}

const text = (name, value = '', attributes = {}) => el('input', { type: 'text', name, value, ...attributes });
const area = (name, value = '', rows = 3) => {
  const node = el('textarea', { name, rows });
  node.value = value;
  return node;
};

// "brand=Roadster|Nike" lines <-> {"brand": ["Roadster", "Nike"]}; price and
// rating take "price=500..1500"; in_stock "in_stock=false".
function filterToLines(filter) {
  return Object.entries(filter ?? {}).map(([name, value]) => {
    if (Array.isArray(value)) return `${name}=${value.join('|')}`;
    return `${name}=${value.gte ?? ''}..${value.lte ?? ''}`;
  }).join('\n');
}

function linesToFilter(textValue) {
  const filter = {};
  for (const line of textValue.split('\n').map((l) => l.trim()).filter(Boolean)) {
    const [name, ...rest] = line.split('=');
    const value = rest.join('=').trim();
    const key = name.trim();
    if ((key === 'price' || key === 'rating') && value.includes('..')) {
      const [gte, lte] = value.split('..');
      filter[key] = {};
      if (gte !== '') filter[key].gte = Number(gte);
      if (lte !== '') filter[key].lte = Number(lte);
    } else if (key === 'in_stock') {
      filter[key] = value.split('|').map((v) => v.trim() === 'true');
    } else {
      filter[key] = value.split('|').map((v) => v.trim()).filter(Boolean);
    }
  }
  return filter;
}

// "filter-lines ×factor" blocks, one clause per line: "brand=Roadster x2".
function weightedToLines(list) {
  return (list ?? []).map((item) => `${filterToLines(item.filter).replace(/\n/g, '; ')} x${item.factor}`).join('\n');
}

function linesToWeighted(textValue) {
  return textValue.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const match = line.match(/^(.*)\s+x\s*([0-9.]+)$/);
    const filterText = (match ? match[1] : line).split(';').join('\n');
    return { filter: linesToFilter(filterText), factor: match ? Number(match[2]) : NaN };
  });
}

const toLocal = (iso) => (iso ? iso.replace(/Z$/, '').slice(0, 16) : '');
const toIso = (local) => (local ? `${local.length === 16 ? `${local}:00` : local}Z` : undefined);

export function ruleForm(rule = {}) {
  const query = rule.conditions?.query;
  const queryKind = query === undefined || query === 'any' ? 'any' : query.equals !== undefined ? 'equals' : 'contains';
  const kind = el('select', { name: 'query-kind' },
    ...['any', 'equals', 'contains'].map((k) => el('option', { value: k, selected: k === queryKind }, {
      any: 'every query', equals: 'the query equals', contains: 'the query contains every word of' }[k])));
  const queryText = queryKind === 'equals' ? query.equals : queryKind === 'contains' ? query.contains.join(' ') : '';
  const c = rule.consequences ?? {};
  const inputs = {
    id: text('id', rule.id ?? '', { required: true, readonly: rule.id ? true : null }),
    description: text('description', rule.description ?? ''),
    enabled: el('input', { type: 'checkbox', name: 'enabled', checked: rule.enabled !== false }),
    priority: el('input', { type: 'number', name: 'priority', value: rule.priority ?? 0, step: 1 }),
    kind,
    query: text('query', queryText),
    context: area('context', filterToLines(rule.conditions?.context?.filters), 2),
    starts: el('input', { type: 'datetime-local', name: 'starts_at', value: toLocal(rule.active?.starts_at) }),
    ends: el('input', { type: 'datetime-local', name: 'ends_at', value: toLocal(rule.active?.ends_at) }),
    pins: area('pins', (c.pin ?? []).map((p) => `${p.id} ${p.position}`).join('\n')),
    hide: text('hide', (c.hide ?? []).join(', ')),
    boost: area('boost', weightedToLines(c.boost), 2),
    bury: area('bury', weightedToLines(c.bury), 2),
    filter: area('filter', filterToLines(c.filter), 2),
    replace: text('replace_query', c.replace_query ?? ''),
    bannerText: text('banner_text', c.banner?.text ?? ''),
    bannerLink: text('banner_link', c.banner?.link ?? ''),
  };
  const node = el('div', { class: 'rule-form' },
    el('fieldset', {}, el('legend', {}, 'Rule'),
      field('Id', 'id', inputs.id, 'letters, digits, - _ .'),
      field('Description', 'description', inputs.description),
      field('Enabled', 'enabled', inputs.enabled),
      field('Priority', 'priority', inputs.priority, 'higher fires first and wins conflicts')),
    el('fieldset', {}, el('legend', {}, 'When'),
      field('Fires for', 'conditions.query', inputs.kind),
      field('Query', 'conditions.query.equals', inputs.query),
      field('Only with these shopper filters', 'conditions.context', inputs.context, 'one per line: category=Dresses|Skirts'),
      field('Starts (UTC)', 'active.starts_at', inputs.starts),
      field('Ends (UTC)', 'active.ends_at', inputs.ends)),
    el('fieldset', {}, el('legend', {}, 'Then'),
      field('Pin', 'consequences.pin', inputs.pins, 'one per line: product id and position (1 = first)'),
      field('Hide', 'consequences.hide', inputs.hide, 'product ids, comma-separated'),
      field('Boost', 'consequences.boost', inputs.boost, `one per line: brand=Roadster x2 (fields: ${FILTER_FIELDS})`),
      field('Bury', 'consequences.bury', inputs.bury, 'one per line: in_stock=false x0.3'),
      field('Force filter', 'consequences.filter', inputs.filter, 'one per line: gender=Women'),
      field('Replace query', 'consequences.replace_query', inputs.replace),
      field('Banner text', 'consequences.banner', inputs.bannerText),
      field('Banner link', 'consequences.banner.link', inputs.bannerLink)));
  return { node, read: () => readRule(inputs) };
}

function readRule(inputs) {
  const rule = {
    id: inputs.id.value.trim(),
    description: inputs.description.value,
    enabled: inputs.enabled.checked,
    priority: Number(inputs.priority.value || 0),
    conditions: {},
    consequences: {},
  };
  const words = inputs.query.value.trim();
  if (inputs.kind.value === 'equals') rule.conditions.query = { equals: words };
  if (inputs.kind.value === 'contains') rule.conditions.query = { contains: words.split(/\s+/).filter(Boolean) };
  const context = linesToFilter(inputs.context.value);
  if (Object.keys(context).length) rule.conditions.context = { filters: context };
  const starts = toIso(inputs.starts.value);
  const ends = toIso(inputs.ends.value);
  if (starts || ends) rule.active = { ...(starts && { starts_at: starts }), ...(ends && { ends_at: ends }) };
  const c = rule.consequences;
  const pins = inputs.pins.value.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const [id, position] = line.split(/\s+/);
    return { id, position: Number(position ?? 1) };
  });
  if (pins.length) c.pin = pins;
  const hide = inputs.hide.value.split(',').map((v) => v.trim()).filter(Boolean);
  if (hide.length) c.hide = hide;
  const boost = linesToWeighted(inputs.boost.value);
  if (boost.length) c.boost = boost;
  const bury = linesToWeighted(inputs.bury.value);
  if (bury.length) c.bury = bury;
  const filter = linesToFilter(inputs.filter.value);
  if (Object.keys(filter).length) c.filter = filter;
  if (inputs.replace.value.trim()) c.replace_query = inputs.replace.value.trim();
  if (inputs.bannerText.value.trim()) {
    c.banner = { text: inputs.bannerText.value.trim() };
    if (inputs.bannerLink.value.trim()) c.banner.link = inputs.bannerLink.value.trim();
  }
  return rule;
}

// Shows an API error at the field whose data-param is the longest prefix of
// the error's parameter (after a "config.rules[0]." preview prefix); true if shown.
export function showFieldError(form, error) {
  for (const node of form.querySelectorAll('.field__error')) { node.hidden = true; node.textContent = ''; }
  for (const node of form.querySelectorAll('[aria-invalid]')) node.removeAttribute('aria-invalid');
  if (!error?.parameter) return false;
  const parameter = error.parameter.replace(/^config\.rules\[\d+\]\./, '');
  let best = null;
  for (const input of form.querySelectorAll('[data-param]')) {
    const param = input.dataset.param;
    if ((parameter === param || parameter.startsWith(`${param}.`) || parameter.startsWith(`${param}[`)) &&
        (!best || param.length > best.dataset.param.length)) best = input;
  }
  if (!best) return false;
  const message = document.getElementById(`${best.id}-error`);
  message.textContent = error.message;
  message.hidden = false;
  best.setAttribute('aria-invalid', 'true');
  best.focus();
  return true;
}
