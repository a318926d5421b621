// Rules: the list (with a search), the editor, the side by side preview and publishing.
import { config } from './api.js';
import { el } from '../shared/dom.js';
import { ruleForm, showFieldError } from './rule-form.js';

function summary(rule) {
  const c = rule.consequences ?? {};
  const parts = [];
  if (c.pin?.length) parts.push(`pin ${c.pin.map((p) => `${p.id}@${p.position}`).join(', ')}`);
  if (c.hide?.length) parts.push(`hide ${c.hide.length}`);
  if (c.boost?.length) parts.push(`boost ${c.boost.length}`);
  if (c.bury?.length) parts.push(`bury ${c.bury.length}`);
  if (c.filter) parts.push('filter');
  if (c.replace_query) parts.push(`query → ${c.replace_query}`);
  if (c.banner) parts.push('banner');
  return parts.join(' · ');
}

function queryOf(rule) {
  const q = rule.conditions?.query;
  if (q === undefined || q === 'any') return 'every query';
  return q.equals !== undefined ? `= “${q.equals}”` : `∋ ${q.contains.join(' ')}`;
}

export async function rulesView(context) {
  const { version, rules } = await config('GET', '/v1/config/rules');
  const search = el('input', { type: 'search', id: 'rule-search', placeholder: 'Search rules', 'aria-label': 'Search rules' });
  const body = el('tbody');
  const render = () => {
    const needle = search.value.trim().toLowerCase();
    body.replaceChildren(...rules
      .filter((rule) => !needle || JSON.stringify(rule).toLowerCase().includes(needle))
      .map((rule) => {
        const edit = el('button', { type: 'button', class: 'link', 'data-rule': rule.id }, rule.id);
        edit.addEventListener('click', () => openEditor(context, rule, rules, version));
        return el('tr', {}, el('td', {}, edit), el('td', {}, rule.description ?? ''), el('td', {}, queryOf(rule)),
          el('td', {}, String(rule.priority ?? 0)), el('td', {}, rule.enabled === false ? 'off' : 'on'),
          el('td', {}, summary(rule)));
      }));
  };
  search.addEventListener('input', render);
  render();
  const create = el('button', { type: 'button', id: 'new-rule' }, 'New rule');
  create.addEventListener('click', () => openEditor(context, null, rules, version));
  return el('section', { 'aria-labelledby': 'rules-title' },
    el('div', { class: 'section-head' }, el('h1', { id: 'rules-title' }, `Rules (config version ${version})`), search, create),
    rules.length
      ? el('table', { class: 'list' }, el('thead', {}, el('tr', {}, ...['Id', 'Description', 'Query', 'Priority', 'State', 'Does'].map((h) => el('th', { scope: 'col' }, h)))), body)
      : el('p', {}, 'No rules yet.'));
}

function openEditor(context, rule, rules, version) {
  const view = document.getElementById('view');
  const form = ruleForm(rule ?? {});
  const previewQuery = el('input', { type: 'search', id: 'preview-query', 'aria-label': 'Preview query',
    value: rule?.conditions?.query?.equals ?? '' });
  const previewOut = el('div', { id: 'preview', class: 'preview', 'aria-live': 'polite' });
  const buttons = {
    preview: el('button', { type: 'button', id: 'preview-rule' }, 'Preview'),
    publish: el('button', { type: 'button', id: 'publish-rule', class: 'primary' }, rule ? 'Publish changes' : 'Publish'),
    remove: rule ? el('button', { type: 'button', id: 'delete-rule', class: 'danger' }, 'Delete') : null,
    back: el('button', { type: 'button', class: 'link' }, '← All rules'),
  };
  const page = el('section', { class: 'editor' }, buttons.back,
    el('h1', {}, rule ? `Edit rule ${rule.id}` : 'New rule'), form.node,
    el('div', { class: 'preview-bar' }, el('label', { for: 'preview-query' }, 'Preview for query'), previewQuery,
      buttons.preview, buttons.publish, buttons.remove), previewOut);
  buttons.back.addEventListener('click', () => context.refresh());
  buttons.preview.addEventListener('click', async () => {
    const draft = form.read();
    const others = rules.filter((r) => r.id !== (rule?.id ?? draft.id));
    try {
      const result = await config('POST', '/v1/config/preview', {
        body: { search: { q: previewQuery.value, per_page: 10 }, config: { rules: [...others, draft] } },
      });
      showFieldError(page, null);
      previewOut.replaceChildren(comparison(result, draft));
      context.say('Preview ready: nothing was changed.');
    } catch (error) {
      if (!showFieldError(page, error)) context.sayError(error);
    }
  });
  buttons.publish.addEventListener('click', async () => {
    const draft = form.read();
    try {
      const result = await config('PUT', `/v1/config/rules/${encodeURIComponent(draft.id)}`, { body: draft, version });
      context.say(`Published rule ${draft.id} (config version ${result.version}).`);
      context.refresh();
    } catch (error) {
      if (!showFieldError(page, error)) context.sayError(error);
    }
  });
  buttons.remove?.addEventListener('click', async () => {
    if (!window.confirm(`Delete rule ${rule.id}?`)) return;
    try {
      const result = await config('DELETE', `/v1/config/rules/${encodeURIComponent(rule.id)}`, { version });
      context.say(`Deleted rule ${rule.id} (config version ${result.version}).`);
      context.refresh();
    } catch (error) {
      context.sayError(error);
    }
  });
  view.replaceChildren(page);
}

// Live and draft results side by side: each draft hit says how it moved and why.
function comparison(result, draft) {
  const livePositions = new Map(result.live.hits.map((hit, i) => [hit.id, i]));
  const draftIds = new Set(result.draft.hits.map((hit) => hit.id));
  const pinned = new Set((draft.consequences.pin ?? []).map((p) => p.id));
  const column = (title, response, mark) => el('div', { class: 'preview__column' },
    el('h2', {}, `${title}: ${response.total} results`),
    response.applied_rules.length ? el('p', { class: 'preview__rules' }, `rules: ${response.applied_rules.join(', ')}`) : null,
    el('ol', { class: 'preview__hits' }, ...response.hits.map((hit, i) =>
      el('li', { 'data-id': hit.id }, el('span', { class: 'preview__title' }, hit.product?.title ?? hit.id),
        el('span', { class: 'preview__id' }, ` #${hit.id}`), mark ? mark(hit, i) : null))));
  const move = (hit, i) => {
    const before = livePositions.get(hit.id);
    const why = pinned.has(hit.id) ? ' (pinned)' : '';
    if (before === undefined) return el('span', { class: 'move move--new' }, ` new${why}`);
    if (before === i) return why ? el('span', { class: 'move' }, why) : null;
    return el('span', { class: `move ${before > i ? 'move--up' : 'move--down'}` },
      ` ${before > i ? '▲' : '▼'}${Math.abs(before - i)}${why}`);
  };
  const gone = result.live.hits.filter((hit) => !draftIds.has(hit.id));
  return el('div', { class: 'preview__grid' }, column('Live', result.live), column('Draft', result.draft, move),
    gone.length ? el('p', { class: 'preview__gone' }, `Not on the draft's first page: ${gone.map((h) => h.id).join(', ')}`) : null);
}
