// Synonym sets, ranking weights, and the history with one-click rollback.
import { config } from './api.js';
import { el } from '../shared/dom.js';
import { showFieldError } from './rule-form.js';

function labelled(label, input, param) {
  input.id = `f-${param.replace(/[^a-z0-9]+/gi, '-')}`;
  input.dataset.param = param;
  return el('div', { class: 'field' }, el('label', { for: input.id }, label), input,
    el('p', { class: 'field__error', id: `${input.id}-error`, hidden: true }));
}

export async function synonymsView(context) {
  const { version, synonyms } = await config('GET', '/v1/config/synonyms');
  const id = el('input', { type: 'text', name: 'id' });
  const input = el('input', { type: 'text', name: 'input', placeholder: 'leave empty for a multi-way set' });
  const members = el('input', { type: 'text', name: 'synonyms', placeholder: 'sneakers, trainers, running shoes' });
  const form = el('form', { class: 'inline-form', id: 'synonym-form' },
    labelled('Id', id, 'id'), labelled('One-way input', input, 'input'), labelled('Synonyms (comma-separated)', members, 'synonyms'),
    el('button', { type: 'submit', class: 'primary' }, 'Save set'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { synonyms: members.value.split(',').map((s) => s.trim()).filter(Boolean) };
    if (input.value.trim()) body.input = input.value.trim();
    try {
      const result = await config('PUT', `/v1/config/synonyms/${encodeURIComponent(id.value.trim())}`, { body, version });
      context.say(`Saved synonym set ${id.value.trim()} (config version ${result.version}).`);
      context.refresh();
    } catch (error) {
      if (!showFieldError(form, error)) context.sayError(error);
    }
  });
  const rows = synonyms.map((set) => {
    const edit = el('button', { type: 'button', class: 'link' }, set.id);
    edit.addEventListener('click', () => {
      id.value = set.id;
      input.value = set.input ?? '';
      members.value = set.synonyms.join(', ');
      members.focus();
    });
    const remove = el('button', { type: 'button', class: 'danger' }, 'Delete');
    remove.addEventListener('click', async () => {
      if (!window.confirm(`Delete synonym set ${set.id}?`)) return;
      try {
        await config('DELETE', `/v1/config/synonyms/${encodeURIComponent(set.id)}`, { version });
        context.refresh();
      } catch (error) { context.sayError(error); }
    });
    return el('tr', {}, el('td', {}, edit), el('td', {}, set.input ? `${set.input} →` : 'multi-way'),
      el('td', {}, set.synonyms.join(', ')), el('td', {}, remove));
  });
  return el('section', {}, el('h1', {}, `Synonym sets (config version ${version})`),
    rows.length ? el('table', { class: 'list' }, el('tbody', {}, ...rows)) : el('p', {}, 'No synonym sets yet.'), form);
}

export async function rankingView(context) {
  const ranking = await config('GET', '/v1/config/ranking');
  const number = (value, step) => el('input', { type: 'number', min: 0, step, value });
  const fields = Object.fromEntries(Object.entries(ranking.fields).map(([name, value]) => [name, number(value, 0.1)]));
  const signalNames = Object.keys(ranking.signals).filter((name) => name !== 'attribute');
  const signals = Object.fromEntries(signalNames.map((name) => [name, number(ranking.signals[name], 0.01)]));
  const attributeName = el('input', { type: 'text', value: ranking.signals.attribute?.name ?? '' });
  const attributeWeight = number(ranking.signals.attribute?.weight ?? 0, 0.01);
  const form = el('form', { class: 'inline-form', id: 'ranking-form' },
    el('fieldset', {}, el('legend', {}, 'Text fields (0 to 100)'),
      ...Object.entries(fields).map(([name, input]) => labelled(name, input, `fields.${name}`))),
    el('fieldset', {}, el('legend', {}, 'Business signals (together at most 0.5)'),
      ...Object.entries(signals).map(([name, input]) => labelled(name, input, `signals.${name}`)),
      labelled('attribute name', attributeName, 'signals.attribute.name'),
      labelled('attribute weight', attributeWeight, 'signals.attribute.weight')),
    el('button', { type: 'submit', class: 'primary' }, 'Save ranking'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      fields: Object.fromEntries(Object.entries(fields).map(([name, input]) => [name, Number(input.value)])),
      signals: Object.fromEntries(Object.entries(signals).map(([name, input]) => [name, Number(input.value)])),
    };
    if (attributeName.value.trim()) body.signals.attribute = { name: attributeName.value.trim(), weight: Number(attributeWeight.value) };
    try {
      const result = await config('PUT', '/v1/config/ranking', { body, version: ranking.version });
      context.say(`Saved the ranking (config version ${result.version}).`);
      context.refresh();
    } catch (error) {
      if (!showFieldError(form, error)) context.sayError(error);
    }
  });
  return el('section', {}, el('h1', {}, `Ranking (config version ${ranking.version})`), form);
}

export async function historyView(context) {
  const { version, events } = await config('GET', '/v1/config/history?limit=100');
  const rows = events.map((event) => {
    const changes = (event.changes ?? []).map((change) => `${change.kind} ${change.id ?? ''}`.trim()).join(', ');
    const cells = [el('td', {}, String(event.version)), el('td', {}, event.who), el('td', {}, event.when),
      el('td', {}, event.action), el('td', {}, changes)];
    if (event.version >= 1) {
      const undo = el('button', { type: 'button', class: 'danger', 'data-version': event.version },
        event.version === 1 ? 'Undo (restore the empty config)' : `Undo (restore v${event.version - 1})`);
      undo.addEventListener('click', async () => {
        if (!window.confirm(`Restore the config as it was at version ${event.version - 1}?`)) return;
        try {
          const result = await config('POST', `/v1/config/rollback/${event.version - 1}`, { version });
          context.say(`Rolled back to version ${event.version - 1} (now version ${result.version}).`);
          context.refresh();
        } catch (error) { context.sayError(error); }
      });
      cells.push(el('td', {}, undo));
    } else {
      cells.push(el('td', {}));
    }
    return el('tr', { 'data-version': event.version }, ...cells);
  });
  return el('section', {}, el('h1', {}, `History (config version ${version})`),
    rows.length ? el('table', { class: 'list' },
      el('thead', {}, el('tr', {}, ...['Version', 'Who', 'When', 'What', 'Changes', ''].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...rows)) : el('p', {}, 'No changes yet.'));
}
