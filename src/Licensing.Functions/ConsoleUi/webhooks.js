// Webhooks: where audit events are posted (list, create, delete).
import { get, post, del } from './api.js';
import { h, field, table, message, clear } from './dom.js';
import { dateTime } from './format.js';

export async function webhooksPage() {
  const view = h('section', {});
  const status = h('div', { class: 'status-slot' });
  const list = h('div');

  async function load() {
    const hooks = (await get('v1/admin/webhooks?pageSize=100')).items;
    clear(list).append(table('Webhooks', ['URL', 'Events', 'Product', 'Enabled', 'Created', ''],
      hooks.map((w) => [
        h('code', {}, w.url),
        w.events.join(', '),
        w.productId || 'every product',
        w.enabled ? 'Yes' : 'No',
        dateTime(w.createdAt),
        h('button', {
          type: 'button', class: 'warn small', 'aria-label': `Delete the webhook to ${w.url}`,
          onclick: async () => {
            if (!window.confirm(`Delete the webhook to ${w.url}?`)) return;
            try {
              await del(`v1/admin/webhooks/${encodeURIComponent(w.id)}`);
              await load();
              clear(status).append(message('success', 'The webhook was deleted.'));
              view.querySelector('h1').focus();
            } catch (error) {
              clear(status).append(message('error', error.message));
            }
          },
        }, 'Delete'),
      ]),
      'No webhooks yet.'));
  }

  const url = h('input', { type: 'url', autocomplete: 'off', required: true, placeholder: 'https://' });
  const events = h('input', { type: 'text', autocomplete: 'off', value: '*' });
  const product = h('input', { type: 'text', autocomplete: 'off' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'new-webhook-heading', novalidate: true },
    h('h2', { id: 'new-webhook-heading' }, 'New webhook'),
    h('div', { class: 'columns' },
      field('URL', url, 'https only'),
      field('Events', events, 'Comma-separated: license.*, seat.granted, apikey.*, or *'),
      field('Webhook product', product, 'Optional: only this product’s licenses')),
    h('button', { type: 'submit' }, 'Create webhook'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(status);
    const body = { url: url.value.trim(), events: events.value.split(',').map((e) => e.trim()).filter(Boolean) };
    if (product.value.trim()) body.productId = product.value.trim();
    try {
      await post('v1/admin/webhooks', body);
      form.reset();
      status.append(message('success', 'Webhook created.'));
      await load();
    } catch (error) {
      status.append(message('error', error.message));
    }
  });

  await load();
  view.append(h('h1', {}, 'Webhooks'), status, form, list);
  view.dataset.title = 'Webhooks';
  return view;
}
