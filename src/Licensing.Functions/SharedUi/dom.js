// Small helpers that build DOM nodes one by one: no string is ever parsed as markup, so no server value can become HTML.

/** h('p', {class: 'note', onclick: fn}, 'text', child) */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

const SVG = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  setAttributes(el, attrs);
  append(el, children);
  return el;
}

function setAttributes(el, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      el.addEventListener(name.slice(2), value);
    } else if (name === 'value' && el instanceof HTMLSelectElement) {
      el.value = value;
    } else {
      el.setAttribute(name, value === true ? '' : String(value));
    }
  }
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

let lastId = 0;

/** A unique element id, for label/for and aria-describedby pairs. */
export function uid(prefix) {
  lastId += 1;
  return `${prefix}-${lastId}`;
}

/** A labelled form field: label above the control, an optional hint tied to it. */
export function field(label, control, hint) {
  const id = control.id || uid('f');
  control.id = id;
  const parts = [h('label', { for: id }, label), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('span', { class: 'hint', id: hintId }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

/** A table with a caption; rows are arrays of cells (a node or text), each cell labelled for the phone layout. */
export function table(caption, headers, rows, empty) {
  const head = h('thead', {}, h('tr', {}, headers.map((name) => h('th', { scope: 'col' }, name))));
  const body = h('tbody', {}, rows.length === 0
    ? h('tr', {}, h('td', { colspan: headers.length, class: 'empty' }, empty))
    : rows.map((cells) => h('tr', {}, cells.map((cell, i) => h('td', { 'data-label': headers[i] }, cell)))));
  return h('table', { class: 'grid' }, h('caption', {}, caption), head, body);
}

/** A status message region: polite for news, assertive (role=alert) for errors. */
export function message(kind, ...text) {
  return h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...text);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

/** The page shown when loading a page failed for a reason the page itself does not handle. */
export function failedPage(error) {
  const view = h('section', {}, h('h1', {}, 'Something went wrong'), message('error', error.message));
  view.dataset.title = 'Error';
  return view;
}

/** Puts a page's view in place and moves focus to its heading, so keyboard and screen-reader users start there. */
export function showPage(main, view, appName) {
  clear(main).append(view);
  document.title = `${view.dataset.title} · ${appName}`;
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
}
