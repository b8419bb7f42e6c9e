// The licenses page: search, a product filter, the list, and "New license" (by hand or from a policy).
import { get, post, withQuery } from './api.js';
import { h, field, table, message, clear } from './dom.js';
import { MODES, modeName, day, endOfDay, licenseStatus } from './format.js';
import { copyButton } from './copy.js';

export async function licensesPage() {
  const search = h('input', { type: 'search', name: 'search', autocomplete: 'off' });
  const product = h('input', { type: 'text', name: 'productId', autocomplete: 'off' });
  const results = h('div', { class: 'results' });
  const created = h('div', { class: 'status-slot' });
  const newButton = h('button', { type: 'button', 'aria-expanded': 'false' }, 'New license');
  const formSlot = h('div');

  let query = { search: '', productId: '' };
  let pending = 0;

  async function load(continuationToken, rows = []) {
    const ticket = ++pending;
    const page = await get(withQuery('v1/admin/licenses', { ...query, pageSize: 50, continuationToken }));
    if (ticket !== pending) return;
    const all = rows.concat(page.items);
    const more = page.continuationToken
      ? h('button', { type: 'button', class: 'quiet', onclick: () => load(page.continuationToken, all) }, 'Show more')
      : '';
    clear(results).append(
      table('Licenses', ['Customer', 'Product', 'Mode', 'Status', 'Seats used', 'Expires'],
        all.map((license) => [
          h('a', { href: `#/licenses/${encodeURIComponent(license.licenseId)}` }, license.customerName || license.licenseId),
          license.productId || '—',
          modeName(license.licensingMode),
          h('span', { class: `badge ${licenseStatus(license).toLowerCase()}` }, licenseStatus(license)),
          `${license.activeClientCount} / ${license.maxClientCount}`,
          day(license.expireAt),
        ]),
        query.search || query.productId ? 'No license matches.' : 'No licenses yet.'),
      more);
  }

  let timer;
  function searchSoon() {
    clearTimeout(timer);
    timer = setTimeout(() => {
      query = { search: search.value.trim(), productId: product.value.trim() };
      load().catch((error) => clear(results).append(message('error', error.message)));
    }, 250);
  }
  search.addEventListener('input', searchSoon);
  product.addEventListener('input', searchSoon);

  const filters = h('form', { class: 'filters', role: 'search', 'aria-label': 'Licenses' },
    field('Search', search, 'Customer name (start), user key or license id'),
    field('Filter by product', product));
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    searchSoon();
  });

  newButton.addEventListener('click', async () => {
    const open = newButton.getAttribute('aria-expanded') === 'true';
    clear(formSlot);
    newButton.setAttribute('aria-expanded', String(!open));
    if (open) return;
    const form = await newLicenseForm(async (license) => {
      clear(formSlot);
      newButton.setAttribute('aria-expanded', 'false');
      clear(created).append(message('success',
        h('p', {}, 'License created for ', h('strong', {}, license.customerName || license.licenseId), '. Its user key, for the customer:'),
        h('p', { class: 'secret-line' }, h('code', { id: 'new-user-key' }, license.userKey), copyButton(license.userKey, 'Copy user key')),
        h('p', {}, h('a', { href: `#/licenses/${encodeURIComponent(license.licenseId)}` }, 'Open the new license'))));
      created.querySelector('a').focus();
      await load();
    });
    formSlot.append(form);
    form.querySelector('select, input').focus();
  });

  await load();
  const view = h('section', {},
    h('div', { class: 'heading-row' }, h('h1', {}, 'Licenses'), newButton),
    formSlot, created, filters, results);
  view.dataset.title = 'Licenses';
  return view;
}

async function newLicenseForm(onCreated) {
  let policies = [];
  try {
    policies = (await get('v1/admin/policies?pageSize=100')).items;
  } catch {
    policies = [];
  }
  const policy = h('select', { name: 'policyId' },
    h('option', { value: '' }, 'None: terms set here'),
    policies.map((p) => h('option', { value: p.policyId }, `${p.name} (${p.productId || 'any product'})`)));
  const mode = h('select', { name: 'licensingMode' }, MODES.map((name, i) => h('option', { value: String(i), selected: i === 2 }, name)));
  const seats = h('input', { type: 'number', name: 'maxClientCount', min: '1', max: '100000', value: '5', required: true });
  const customer = h('input', { type: 'text', name: 'customerName', autocomplete: 'off', maxlength: '200' });
  const product = h('input', { type: 'text', name: 'productId', autocomplete: 'off', pattern: '[a-z0-9-]{1,64}' });
  const expires = h('input', { type: 'date', name: 'expireAt' });
  const portal = h('input', { type: 'checkbox', name: 'portal', id: 'license-portal', checked: true });
  const status = h('div', { class: 'status-slot' });
  const byHand = [mode, seats, product];

  policy.addEventListener('change', () => {
    for (const control of byHand) control.disabled = policy.value !== '';
  });

  const form = h('form', { class: 'card', 'aria-label': 'New license', novalidate: true },
    h('h2', {}, 'New license'),
    h('div', { class: 'columns' },
      field('Policy', policy, 'A policy supplies the mode, seats, product and terms.'),
      field('Licensing mode', mode),
      field('Seats', seats),
      field('Customer', customer),
      field('Product', product, 'Optional: a-z, 0-9 and -'),
      field('Expires', expires, 'Optional: the last day it works (UTC)'),
      h('div', { class: 'field check' }, portal, h('label', { for: 'license-portal' }, 'Customer portal'))),
    status,
    h('button', { type: 'submit' }, 'Create'));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(status);
    const body = {};
    if (policy.value) {
      body.policyId = policy.value;
    } else {
      body.licensingMode = Number(mode.value);
      body.maxClientCount = Number(seats.value);
      if (product.value.trim()) body.productId = product.value.trim();
    }
    if (customer.value.trim()) body.customerName = customer.value.trim();
    if (expires.value) body.expireAt = endOfDay(expires.value);
    // Unchecked turns the portal off; checked leaves it to the policy (on without one).
    if (!portal.checked) body.portal = false;
    try {
      onCreated(await post('v1/admin/licenses', body));
    } catch (error) {
      status.append(message('error', error.message));
    }
  });
  return form;
}
