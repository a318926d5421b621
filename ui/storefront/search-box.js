// A search box with suggestions while typing: a custom render of InstantSearch's
// searchBox connector plus a listbox fed by the query-suggestions index through
// the same client (WAI-ARIA combobox: arrows move, Enter picks, Escape closes).
import { connectSearchBox } from 'instantsearch.js/es/connectors';
import { SUGGESTIONS_INDEX } from './client.js';
import { el, highlightedNodes } from '../shared/dom.js';

export function searchBoxWithSuggestions({ container, searchClient }) {
  const root = document.querySelector(container);
  let refine = () => {};
  let suggestions = [];
  let active = -1;
  let pending = 0;

  const input = el('input', {
    type: 'search', id: 'search-input', class: 'searchbox__input', placeholder: 'Search products, brands, categories',
    autocomplete: 'off', spellcheck: 'false', role: 'combobox', 'aria-autocomplete': 'list',
    'aria-expanded': 'false', 'aria-controls': 'suggestions', 'aria-label': 'Search',
  });
  const list = el('ul', { id: 'suggestions', class: 'suggestions', role: 'listbox', hidden: '' });
  const form = el('form', { class: 'searchbox__form', role: 'search' }, input, list);
  root.append(form);

  // Also drops the answer to a keystroke still on its way: once the shopper has
  // searched (Enter), chosen or escaped, a late answer must not reopen the list
  // over the results.
  function close() {
    pending++;
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function show() {
    list.replaceChildren(...suggestions.map((hit, i) => {
      const option = el('li', {
        id: `suggestion-${i}`, role: 'option', class: `suggestion suggestion--${hit.type}`,
        'aria-selected': String(i === active), 'data-query': hit.query,
      }, el('span', { class: 'suggestion__text' }, ...highlightedNodes(hit._highlightResult.query.value)),
      el('span', { class: 'suggestion__type' }, hit.type));
      option.addEventListener('mousedown', (event) => { event.preventDefault(); choose(i); });
      return option;
    }));
    list.hidden = suggestions.length === 0;
    input.setAttribute('aria-expanded', String(!list.hidden));
    if (active >= 0) input.setAttribute('aria-activedescendant', `suggestion-${active}`);
    else input.removeAttribute('aria-activedescendant');
  }

  function choose(i) {
    input.value = suggestions[i].query;
    refine(input.value);
    close();
  }

  async function suggest(query) {
    const ticket = ++pending;
    if (!query.trim()) { suggestions = []; close(); return; }
    const { results } = await searchClient.search([
      { indexName: SUGGESTIONS_INDEX, params: { query, hitsPerPage: 6, highlightPreTag: '__ais-highlight__', highlightPostTag: '__/ais-highlight__' } },
    ]);
    if (ticket !== pending || document.activeElement !== input) return;  // a newer keystroke won
    suggestions = results[0].hits;
    active = -1;
    show();
  }

  input.addEventListener('input', () => { refine(input.value); suggest(input.value).catch(close); });
  input.addEventListener('focus', () => { if (input.value) suggest(input.value).catch(close); });
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!suggestions.length) return;
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      const slots = suggestions.length + 1;  // every suggestion, then the typed text
      active = (((active + 1 + step) % slots) + slots) % slots - 1;
      show();
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (active >= 0 && !list.hidden) choose(active);
      else { refine(input.value); close(); }
    } else if (event.key === 'Escape') {
      close();
    }
  });
  form.addEventListener('submit', (event) => event.preventDefault());

  return connectSearchBox((renderOptions, isFirstRender) => {
    refine = renderOptions.refine;
    if (isFirstRender || document.activeElement !== input) input.value = renderOptions.query;
  })({});
}
