// What Vitrine says about a search beyond Algolia's format (the result's
// "vitrine" object): the query it corrected, and a relaxed match.
import { el } from '../shared/dom.js';
import { INDEX } from './client.js';

export function notices({ container }) {
  const root = document.querySelector(container);
  return {
    $$type: 'vitrine.notices',
    init() {},
    render({ results }) {
      const info = results?._rawResults?.[0]?.vitrine;
      const items = [];
      if (info?.correctedQuery) {
        items.push(el('p', { class: 'notice notice--corrected' }, 'Showing results for ',
          el('strong', {}, info.correctedQuery), ' (you typed ', el('em', {}, results.query), ')'));
      }
      if (info?.relaxed && results.nbHits > 0) {
        items.push(el('p', { class: 'notice notice--relaxed' },
          'No product has every word of your search; these match some of them.'));
      }
      root.replaceChildren(...items);
    },
    dispose() { root.replaceChildren(); },
  };
}

// onStateChange: keeps at most one category level refined, the one just chosen.
let previous = {};
export function singleCategoryLevel({ uiState, setUiState }) {
  const state = uiState[INDEX] ?? {};
  const department = state.menu?.['category.lvl0'];
  const categories = state.refinementList?.['category.lvl1'] ?? [];
  if (department && categories.length) {
    const next = structuredClone(uiState);
    const departmentChanged = department !== previous.menu?.['category.lvl0'];
    if (departmentChanged) delete next[INDEX].refinementList['category.lvl1'];
    else delete next[INDEX].menu['category.lvl0'];
    previous = next[INDEX];
    setUiState(next);
    return;
  }
  previous = state;
  setUiState(uiState);
}
