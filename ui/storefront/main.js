// The storefront: instantsearch.js widgets against Vitrine's Algolia-compatible
// endpoint. Everything here is stock InstantSearch except the search box's
// suggestions and the notices Vitrine adds (did you mean, relaxed).
import 'instantsearch.css/themes/satellite-min.css';
import './style.css';

import instantsearch from 'instantsearch.js';
import {
  clearRefinements, configure, currentRefinements, hits, menu, pagination, panel,
  queryRuleCustomData, rangeInput, refinementList, sortBy, stats,
} from 'instantsearch.js/es/widgets';
import { INDEX, createSearchClient } from './client.js';
import { hitTemplate, emptyTemplate } from './hit.js';
import { notices, singleCategoryLevel } from './notices.js';
import { searchBoxWithSuggestions } from './search-box.js';

const searchClient = createSearchClient();
const search = instantsearch({
  indexName: INDEX,
  searchClient,
  routing: true,
  insights: false,
  // Vitrine matches a category name at any level of the path, so one level is
  // refined at a time (choosing a category replaces the department, and back).
  onStateChange: singleCategoryLevel,
  future: { preserveSharedStateOnUnmount: true },
});

const facetPanel = (title, widget, options) =>
  panel({ templates: { header: () => title }, hidden: ({ items }) => !items || items.length === 0 })(widget)(options);

search.addWidgets([
  configure({ hitsPerPage: 24 }),
  searchBoxWithSuggestions({ container: '#searchbox', searchClient }),
  clearRefinements({ container: '#clear-refinements', templates: { resetLabel: () => 'Clear all filters' } }),
  facetPanel('Department', menu, { container: '#department', attribute: 'category.lvl0', limit: 10 }),
  facetPanel('Category', refinementList, { container: '#category', attribute: 'category.lvl1', limit: 8, showMore: true, showMoreLimit: 40 }),
  facetPanel('Brand', refinementList, { container: '#brand', attribute: 'brand', limit: 8, showMore: true, showMoreLimit: 40 }),
  facetPanel('Colour', refinementList, { container: '#color', attribute: 'color', limit: 8, showMore: true, showMoreLimit: 40 }),
  facetPanel('Gender', refinementList, { container: '#gender', attribute: 'gender' }),
  facetPanel('Size', refinementList, { container: '#size', attribute: 'size', limit: 10 }),
  panel({ templates: { header: () => 'Price' } })(rangeInput)({
    container: '#price', attribute: 'price',
    templates: { separatorText: () => 'to', submitText: () => 'Go' },
  }),
  queryRuleCustomData({
    container: '#banner',
    templates: {
      default: ({ items }, { html }) => items.map((banner) =>
        html`<div class="banner" role="note">${banner.link
          ? html`<a href=${safeLink(banner.link)}>${banner.text}</a>` : banner.text}</div>`),
    },
  }),
  notices({ container: '#notices' }),
  stats({ container: '#stats' }),
  sortBy({
    container: '#sort-by',
    items: [
      { label: 'Most relevant', value: INDEX },
      { label: 'Price: low to high', value: `${INDEX}_price_asc` },
      { label: 'Price: high to low', value: `${INDEX}_price_desc` },
      { label: 'Newest', value: `${INDEX}_newest` },
      { label: 'Top rated', value: `${INDEX}_rating` },
      { label: 'Most popular', value: `${INDEX}_popularity` },
    ],
  }),
  currentRefinements({ container: '#current-refinements' }),
  hits({ container: '#hits', templates: { item: hitTemplate, empty: emptyTemplate } }),
  pagination({ container: '#pagination', scrollTo: '#results', padding: 2 }),
]);

// Only relative links and http(s) URLs from a rule's banner become hrefs.
function safeLink(link) {
  return /^(\/(?!\/)|https?:\/\/)/i.test(String(link)) ? link : '#';
}

const toggle = document.getElementById('filters-toggle');
toggle.addEventListener('click', () => {
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  document.getElementById('filters').classList.toggle('filters--open', open);
});

search.start();
window.vitrineSearch = search;  // for the browser tests and the console's "view on storefront"
