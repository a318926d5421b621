// DOM helpers that never parse strings as HTML: every dynamic string becomes a
// text node, so catalog text cannot inject markup.
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

// "a __ais-highlight__b__/ais-highlight__ c" -> text nodes with <mark> around b.
export function highlightedNodes(value, pre = '__ais-highlight__', post = '__/ais-highlight__') {
  const nodes = [];
  let rest = String(value ?? '');
  while (rest) {
    const open = rest.indexOf(pre);
    if (open < 0) { nodes.push(document.createTextNode(rest)); break; }
    if (open > 0) nodes.push(document.createTextNode(rest.slice(0, open)));
    const close = rest.indexOf(post, open + pre.length);
    const end = close < 0 ? rest.length : close;
    nodes.push(el('mark', {}, rest.slice(open + pre.length, end)));
    rest = close < 0 ? '' : rest.slice(close + post.length);
  }
  return nodes;
}
