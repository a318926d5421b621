// The search client: the unmodified algoliasearch lite client, pointed at the
// Vitrine server that serves this page (same origin, so no CORS round trip).
import { liteClient } from 'algoliasearch/lite';

export const INDEX = 'products';
export const SUGGESTIONS_INDEX = 'products_query_suggestions';

export function createSearchClient() {
  const key = document.querySelector('meta[name="vitrine-search-key"]')?.content || 'storefront';
  return liteClient('vitrine', key, {
    hosts: [{ url: window.location.host, accept: 'readWrite', protocol: window.location.protocol.replace(':', '') }],
  });
}
