// The unmodified algoliasearch clients (lite and full, v5) against a real
// `vitrine serve`: every supported search parameter, checked against what
// /v1/search answers for the same search, and the unsupported ones refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { algoliasearch } from 'algoliasearch';
import { liteClient } from 'algoliasearch/lite';
import { startServer, v1Search } from './harness.mjs';

let server;
let lite;
let full;

const hosts = () => [{ url: `127.0.0.1:${server.port}`, accept: 'readWrite', protocol: 'http' }];
const one = async (params, indexName = 'products') =>
  (await lite.search({ requests: [{ indexName, ...params }] })).results[0];
const ids = (result) => result.hits.map((hit) => hit.objectID);

before(async () => {
  server = await startServer();
  lite = liteClient('vitrine', 'storefront', { hosts: hosts() });
  full = algoliasearch('vitrine', 'storefront', { hosts: hosts() });
});

after(async () => { await server?.stop(); });

describe('search parameters', () => {
  test('query, page and hitsPerPage give /v1/search\'s page (page is 0-based)', async () => {
    const result = await one({ query: 'navy shirt', page: 1, hitsPerPage: 5 });
    const reference = await v1Search(server.url, { q: 'navy shirt', page: 2, per_page: 5 });
    assert.equal(result.nbHits, reference.total);
    assert.deepEqual(ids(result), reference.hits.map((hit) => hit.id));
    assert.equal(result.page, 1);
    assert.equal(result.hitsPerPage, 5);
    assert.equal(result.nbPages, Math.ceil(reference.total / 5));
    assert.equal(result.query, 'navy shirt');
    assert.equal(result.exhaustiveNbHits, true);
    assert.equal(typeof result.processingTimeMS, 'number');
    assert.match(result.params, /hitsPerPage=5/);
    const hit = result.hits[0];
    assert.equal(hit.objectID, reference.hits[0].id);
    assert.equal(hit.title, reference.hits[0].product.title);
  });

  test('facets and maxValuesPerFacet give the same counts as /v1/search', async () => {
    const result = await one({ query: 'shoes', facets: ['brand', 'gender'], maxValuesPerFacet: 5, hitsPerPage: 1 });
    const reference = await v1Search(server.url, { q: 'shoes', facets: 'brand,gender', facet_size: 5, per_page: 1 });
    for (const field of ['brand', 'gender']) {
      const expected = Object.fromEntries(reference.facets[field].map((v) => [v.value, v.count]));
      assert.deepEqual(result.facets[field], expected, field);
    }
    assert.ok(Object.keys(result.facets.brand).length <= 5);
  });

  test('facets=["*"] counts every facet field', async () => {
    const result = await one({ query: 'kurta', facets: ['*'], hitsPerPage: 0 });
    for (const field of ['brand', 'color', 'gender', 'category.lvl0', 'usage']) assert.ok(field in result.facets, field);
    assert.ok(result.facets_stats.price.min <= result.facets_stats.price.max);
    assert.deepEqual(result.hits, []);
  });

  test('facetFilters: OR inside a list, AND across lists', async () => {
    const result = await one({ query: 'shoes', facetFilters: [['brand:Puma', 'brand:Nike'], 'gender:Men'], hitsPerPage: 3 });
    const reference = await v1Search(server.url, new URLSearchParams([
      ['q', 'shoes'], ['filter.brand', 'Puma'], ['filter.brand', 'Nike'], ['filter.gender', 'Men'], ['per_page', '3']]));
    assert.ok(reference.total > 0);
    assert.equal(result.nbHits, reference.total);
    assert.deepEqual(ids(result), reference.hits.map((hit) => hit.id));
  });

  test('facetFilters and filters: a negated value leaves its products out of hits and counts', async () => {
    const all = await one({ query: 'shoes', facets: ['brand'], hitsPerPage: 0 });
    const withoutNike = await one({ query: 'shoes', facets: ['brand'], facetFilters: ['brand:-Nike'], hitsPerPage: 20 });
    assert.ok(all.facets.brand.Nike > 0);
    assert.equal(withoutNike.nbHits, all.nbHits - all.facets.brand.Nike);
    assert.equal(withoutNike.facets.brand.Nike, undefined);
    assert.ok(withoutNike.hits.every((hit) => hit.brand !== 'Nike'));
    const reference = await v1Search(server.url, { q: 'shoes', 'exclude.brand': 'Nike', per_page: 20 });
    assert.equal(withoutNike.nbHits, reference.total);
    assert.deepEqual(ids(withoutNike), reference.hits.map((hit) => hit.id));
    const expression = await one({ query: 'shoes', filters: 'gender:Men AND NOT brand:Nike', hitsPerPage: 0 });
    const menOnly = await v1Search(server.url, { q: 'shoes', 'filter.gender': 'Men', 'exclude.brand': 'Nike', per_page: 1 });
    assert.equal(expression.nbHits, menOnly.total);
  });

  test('numericFilters: ranges, strict bounds and equality', async () => {
    const result = await one({ query: 'kurta', numericFilters: ['price>=500', 'price<=1500'], hitsPerPage: 0 });
    const reference = await v1Search(server.url, { q: 'kurta', 'range.price': '500..1500', per_page: 1 });
    assert.equal(result.nbHits, reference.total);
    const from500 = await one({ query: 'kurta', numericFilters: ['price>=500'], hitsPerPage: 0 });
    const at500 = await one({ query: 'kurta', numericFilters: ['price=500'], hitsPerPage: 0 });
    const above500 = await one({ query: 'kurta', numericFilters: ['price>500'], hitsPerPage: 0 });
    assert.equal(above500.nbHits, from500.nbHits - at500.nbHits);
  });

  test('filters: the common expression subset', async () => {
    const result = await one({
      filters: 'brand:Nike AND (color:Black OR color:"White") AND price:1000 TO 3000 AND gender:Men', hitsPerPage: 4,
    });
    const reference = await v1Search(server.url, new URLSearchParams([
      ['filter.brand', 'Nike'], ['filter.color', 'Black'], ['filter.color', 'White'], ['filter.gender', 'Men'],
      ['range.price', '1000..3000'], ['per_page', '4']]));
    assert.ok(reference.total > 0);
    assert.equal(result.nbHits, reference.total);
    assert.deepEqual(ids(result), reference.hits.map((hit) => hit.id));
  });

  test('attributesToHighlight with highlightPreTag and highlightPostTag', async () => {
    const result = await one({ query: 'navy shirt', hitsPerPage: 1, highlightPreTag: '<b>', highlightPostTag: '</b>',
      attributesToHighlight: ['title'] });
    const highlight = result.hits[0]._highlightResult;
    assert.match(highlight.title.value, /<b>[^<]+<\/b>/);
    assert.notEqual(highlight.title.matchLevel, 'none');
    assert.ok(highlight.title.matchedWords.length > 0);
    assert.equal(highlight.description, undefined);
    const none = await one({ query: 'navy shirt', hitsPerPage: 1, attributesToHighlight: [] });
    assert.equal(none.hits[0]._highlightResult, undefined);
  });

  test('attributesToRetrieve keeps only the attributes named (and objectID)', async () => {
    const result = await one({ query: 'jeans', hitsPerPage: 2, attributesToRetrieve: ['title', 'brand'], attributesToHighlight: [] });
    for (const hit of result.hits) {
      // Keys starting with _ are metadata (_variants of a collapsed style), not attributes.
      const attributes = Object.keys(hit).filter((k) => !k.startsWith('_')).sort();
      assert.deepEqual(attributes, attributes.filter((k) => ['title', 'brand', 'objectID'].includes(k)));
      assert.ok(hit.title);
    }
  });

  test('analytics, clickAnalytics, userToken and distinct are accepted', async () => {
    const result = await one({ query: 'jeans', analytics: false, clickAnalytics: true, userToken: 'u1', distinct: false, hitsPerPage: 2 });
    const reference = await v1Search(server.url, { q: 'jeans', per_page: 2, collapse: 'false' });
    assert.deepEqual(ids(result), reference.hits.map((hit) => hit.id));
  });

  test('sort replicas order the hits', async () => {
    const result = await one({ query: 'kurta', hitsPerPage: 20 }, 'products_price_asc');
    const prices = result.hits.map((hit) => hit.price);
    assert.deepEqual(prices, [...prices].sort((a, b) => a - b));
    const reference = await v1Search(server.url, { q: 'kurta', sort: 'price_asc', per_page: 20 });
    assert.deepEqual(ids(result), reference.hits.map((hit) => hit.id));
  });

  test('the query-suggestions index answers while typing', async () => {
    const result = await one({ query: 'dre', hitsPerPage: 5 }, 'products_query_suggestions');
    assert.ok(result.hits.length > 0 && result.hits.length <= 5);
    for (const hit of result.hits) {
      assert.ok(hit.query.toLowerCase().includes('dre'));
      assert.match(hit._highlightResult.query.value, /<em>/);
    }
  });

  test('searchSingleIndex (POST /1/indexes/{index}/query) with the full client', async () => {
    const result = await full.searchSingleIndex({ indexName: 'products', searchParams: { query: 'watch', hitsPerPage: 3 } });
    const reference = await v1Search(server.url, { q: 'watch', per_page: 3 });
    assert.equal(result.nbHits, reference.total);
    assert.deepEqual(ids(result), reference.hits.map((hit) => hit.id));
  });

  test('enableRules: rules fire (banner in userData) unless switched off', async () => {
    const reference = await v1Search(server.url, { q: 'black dress', per_page: 5 });
    const pinned = reference.hits[4].id;
    const response = await fetch(`${server.url}/v1/config/rules/client-test-pin`, {
      method: 'PUT', headers: { 'X-API-Key': server.adminKey, 'Content-Type': 'application/json' },
      body: JSON.stringify({ conditions: { query: { equals: 'black dress' } },
        consequences: { pin: [{ id: pinned, position: 1 }], banner: { text: 'Party season' } } }),
    });
    assert.ok(response.ok, await response.text());
    try {
      const withRules = await one({ query: 'black dress', hitsPerPage: 5 });
      assert.equal(withRules.hits[0].objectID, pinned);
      assert.deepEqual(withRules.userData, [{ text: 'Party season' }]);
      const without = await one({ query: 'black dress', hitsPerPage: 5, enableRules: false });
      assert.deepEqual(ids(without), reference.hits.map((hit) => hit.id));
      assert.equal(without.userData, undefined);
    } finally {
      await fetch(`${server.url}/v1/config/rules/client-test-pin`, { method: 'DELETE', headers: { 'X-API-Key': server.adminKey } });
    }
  });
});

describe('InstantSearch\'s disjunctive multi-query', () => {
  test('a refined facet\'s own query is answered with the counts and total it would have alone', async () => {
    const base = { query: 'shoes', maxValuesPerFacet: 10, facets: ['brand', 'gender'] };
    const { results } = await lite.search({ requests: [
      { indexName: 'products', ...base, facetFilters: [['brand:Puma'], ['gender:Men']], hitsPerPage: 10 },
      { indexName: 'products', ...base, facets: 'brand', facetFilters: [['gender:Men']], hitsPerPage: 0, page: 0, analytics: false },
      { indexName: 'products', ...base, facets: 'gender', facetFilters: [['brand:Puma']], hitsPerPage: 0, page: 0, analytics: false },
    ] });
    const alone = await one({ ...base, facets: ['brand'], facetFilters: [['gender:Men']], hitsPerPage: 1 });
    assert.deepEqual(results[1].facets.brand, alone.facets.brand);
    assert.equal(results[1].nbHits, alone.nbHits);
    assert.deepEqual(results[1].hits, []);
    const reference = await v1Search(server.url, { q: 'shoes', 'filter.brand': 'Puma', facets: 'gender', facet_size: 10, per_page: 1 });
    assert.equal(results[2].nbHits, reference.total);
    assert.deepEqual(results[2].facets.gender, Object.fromEntries(reference.facets.gender.map((v) => [v.value, v.count])));
  });
});

describe('refusals', () => {
  const refused = async (params, pattern, status = 400) => {
    await assert.rejects(one(params), (error) => {
      assert.equal(error.status, status);
      assert.match(error.message, pattern);
      return true;
    });
  };

  test('unsupported parameters are named, never ignored', async () => {
    await refused({ query: 'tee', aroundLatLng: '1,2', optionalWords: ['tee'] }, /aroundLatLng, optionalWords/);
    await refused({ query: 'tee', attributesToSnippet: ['description:10'] }, /attributesToSnippet/);
  });

  test('negation inside an OR group and OR across attributes are refused with the reason', async () => {
    await refused({ facetFilters: [['brand:-Nike', 'brand:Puma']] }, /not inside an OR group/);
    await refused({ filters: 'brand:Nike OR color:Red' }, /OR across attributes/);
    await refused({ filters: '(brand:Nike AND color:Red) OR brand:Puma' }, /not supported/);
    await refused({ facetFilters: ['colour:Red'] }, /cannot filter on 'colour'/);
  });

  test('an unknown index is a 404 naming the indexes', async () => {
    await assert.rejects(one({ query: 'tee' }, 'catalog'), (error) => error.status === 404 && /products_<sort>/.test(error.message));
  });

  test('the admin key is refused on the Algolia endpoint', async () => {
    const admin = liteClient('vitrine', server.adminKey, { hosts: hosts() });
    await assert.rejects(admin.search({ requests: [{ indexName: 'products', query: 'tee' }] }),
      (error) => error.status === 403 && /admin key/.test(error.message));
  });
});
