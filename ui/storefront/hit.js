// A product tile: image (or a colour tile when the catalog has none), highlighted
// title, brand, price, the colour swatches of its style (every colour it comes
// in, those the search did not match faded, those out of stock struck through)
// and the sizes the shown colour comes in, sold-out ones struck through.
const currency = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });

export function colorClass(color) {
  return `swatch--${String(color ?? 'none').toLowerCase().replace(/[^a-z]+/g, '-')}`;
}

// [{size, in_stock?}]: the shown product's sizes, from its style's first swatch
// (the hit itself), else its own size_stock or sizes.
export function tileSizes(hit) {
  if (hit._swatches?.length) return hit._swatches[0].sizes ?? [];
  if (hit.size_stock) return Object.entries(hit.size_stock).map(([size, units]) => ({ size, in_stock: units > 0 }));
  return (hit.sizes ?? []).map((size) => ({ size }));
}

function price(hit) {
  if (typeof hit.price !== 'number') return null;
  if (hit.currency && hit.currency !== 'INR') return `${hit.price} ${hit.currency}`;
  return currency.format(hit.price);
}

export function hitTemplate(hit, { html, components }) {
  const swatches = hit._swatches ?? [];
  const swatchClass = (swatch) => ['swatch', colorClass(swatch.color),
    swatch.matches ? '' : 'swatch--other', swatch.in_stock === false ? 'swatch--out' : ''].filter(Boolean).join(' ');
  const swatchTitle = (swatch) => `${swatch.color}${swatch.in_stock === false ? ' (out of stock)' : ''}`;
  const path = Array.isArray(hit.category) ? hit.category.join(' › ') : '';
  return html`<article class="product" data-id=${hit.objectID}>
    <div class=${`product__image ${colorClass(hit.color)}`}>
      ${hit.image_url
        ? html`<img src=${hit.image_url} alt="" loading="lazy" width="240" height="320" />`
        : html`<span class="product__placeholder" aria-hidden="true">${(hit.color ?? hit.title ?? '?').slice(0, 1)}</span>`}
    </div>
    <div class="product__body">
      <h2 class="product__title">${components.Highlight({ hit, attribute: 'title' })}</h2>
      ${hit.brand ? html`<p class="product__brand">${hit.brand}</p>` : null}
      ${path ? html`<p class="product__category">${path}</p>` : null}
      <p class="product__meta">
        ${price(hit) ? html`<span class="product__price">${price(hit)}</span>` : null}
        ${hit.color ? html`<span class="product__color">${hit.color}</span>` : null}
        ${hit.in_stock === false ? html`<span class="product__stock">Out of stock</span>` : null}
      </p>
      ${tileSizes(hit).length
        ? html`<ul class="sizes" aria-label="Sizes">
            ${tileSizes(hit).map((size) => html`<li class=${size.in_stock === false ? 'size size--out' : 'size'}
              title=${size.in_stock === false ? `${size.size} (sold out)` : size.size}>${size.size}</li>`)}
          </ul>`
        : null}
      ${swatches.length > 1
        ? html`<ul class="swatches" aria-label="Colours">
            ${swatches.map((swatch) => html`<li class=${swatchClass(swatch)} title=${swatchTitle(swatch)}>
              <span class="visually-hidden">${swatchTitle(swatch)}</span></li>`)}
          </ul>`
        : null}
    </div>
  </article>`;
}

export function emptyTemplate(results, { html }) {
  return html`<div class="no-results">
    <p>No products match <q>${results.query}</q>${results.getRefinements().length ? ' with these filters' : ''}.</p>
    <p>Try fewer words, another spelling, or clear the filters.</p>
  </div>`;
}
