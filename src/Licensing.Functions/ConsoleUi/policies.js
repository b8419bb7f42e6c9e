// Policies: a product's terms defined once (list, create, delete).
import { get, post, del } from './api.js';
import { h, field, table, message, clear } from './dom.js';
import { MODES, modeName, duration, dateTime } from './format.js';

export async function policiesPage() {
  const view = h('section', {});
  const status = h('div', { class: 'status-slot' });
  const list = h('div');

  async function load() {
    const policies = (await get('v1/admin/policies?pageSize=100')).items;
    clear(list).append(table('Policies', ['Name', 'Product', 'Mode', 'Seats', 'Lasts', 'Trial', 'Created', ''],
      policies.map((p) => [
        p.name,
        p.productId || '—',
        modeName(p.licensingMode),
        String(p.maxClientCount),
        duration(p.duration),
        p.trial ? 'Yes' : 'No',
        dateTime(p.createdAt),
        h('button', {
          type: 'button', class: 'warn small', 'aria-label': `Delete ${p.name}`,
          onclick: async () => {
            if (!window.confirm(`Delete the policy "${p.name}"? Licenses made from it keep their terms.`)) return;
            try {
              await del(`v1/admin/policies/${encodeURIComponent(p.policyId)}`);
              await load();
              clear(status).append(message('success', `The policy "${p.name}" was deleted.`));
              view.querySelector('h1').focus();
            } catch (error) {
              clear(status).append(message('error', error.message));
            }
          },
        }, 'Delete'),
      ]),
      'No policies yet.'));
  }

  const name = h('input', { type: 'text', autocomplete: 'off', required: true });
  const product = h('input', { type: 'text', autocomplete: 'off' });
  // The default is marked on its option, not set on the select, so that form.reset() returns to it.
  const mode = h('select', {}, MODES.map((m, i) => h('option', { value: String(i), selected: i === 1 }, m)));
  const seats = h('input', { type: 'number', min: '1', max: '100000', value: '1', required: true });
  const days = h('input', { type: 'number', min: '1', max: '36500' });
  const trial = h('input', { type: 'checkbox' });
  const portal = h('input', { type: 'checkbox', checked: true });
  const form = h('form', { class: 'card', 'aria-labelledby': 'new-policy-heading', novalidate: true },
    h('h2', { id: 'new-policy-heading' }, 'New policy'),
    h('div', { class: 'columns' },
      field('Policy name', name),
      field('Policy product', product, 'Optional: a-z, 0-9 and -'),
      field('Policy licensing mode', mode),
      field('Policy seats', seats),
      field('Lasts (days)', days, 'Empty: licenses never expire'),
      h('div', { class: 'field check' }, trial, h('label', { for: (trial.id = 'policy-trial') }, 'Trial policy')),
      h('div', { class: 'field check' }, portal, h('label', { for: (portal.id = 'policy-portal') }, 'Customer portal'))),
    h('button', { type: 'submit' }, 'Create policy'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(status);
    const body = { name: name.value.trim(), licensingMode: Number(mode.value), maxClientCount: Number(seats.value), trial: trial.checked, portal: portal.checked };
    if (product.value.trim()) body.productId = product.value.trim();
    if (days.value) body.duration = { seconds: Number(days.value) * 86400, nanos: 0 };
    try {
      const created = await post('v1/admin/policies', body);
      form.reset();
      status.append(message('success', `Policy "${created.name}" created.`));
      await load();
    } catch (error) {
      status.append(message('error', error.message));
    }
  });

  await load();
  view.append(h('h1', {}, 'Policies'), status, form, list);
  view.dataset.title = 'Policies';
  return view;
}
