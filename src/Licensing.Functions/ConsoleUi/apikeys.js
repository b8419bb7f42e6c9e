// API keys: create (the key shown once, with a copy button) and delete.
import { get, post, del } from './api.js';
import { h, field, table, message, clear } from './dom.js';
import { dateTime } from './format.js';
import { copyButton } from './copy.js';

export async function apiKeysPage() {
  const view = h('section', {});
  const status = h('div', { class: 'status-slot' });
  const list = h('div');

  async function load() {
    const keys = (await get('v1/admin/api-keys')).items;
    clear(list).append(table('API keys', ['Name', 'Scope', 'Product', 'Created', 'Expires', ''],
      keys.map((key) => [
        key.name,
        key.scope,
        key.productId || '—',
        dateTime(key.createdAt),
        dateTime(key.expiresAt),
        h('button', {
          type: 'button', class: 'warn small', 'aria-label': `Delete ${key.name}`,
          onclick: async () => {
            if (!window.confirm(`Delete the key "${key.name}"? Apps using it stop working.`)) return;
            try {
              await del(`v1/admin/api-keys/${encodeURIComponent(key.id)}`);
              await load();
              clear(status).append(message('success', `The key "${key.name}" was deleted.`));
              view.querySelector('h1').focus();
            } catch (error) {
              clear(status).append(message('error', error.message));
            }
          },
        }, 'Delete'),
      ]),
      'No API keys yet.'));
  }

  const name = h('input', { type: 'text', autocomplete: 'off', maxlength: '100', required: true });
  const scope = h('select', {}, h('option', { value: 'client' }, 'client: apps call the license API'), h('option', { value: 'admin' }, 'admin: this console and the admin API'));
  const product = h('input', { type: 'text', autocomplete: 'off' });
  const form = h('form', { class: 'card', 'aria-labelledby': 'new-key-heading', novalidate: true },
    h('h2', { id: 'new-key-heading' }, 'New API key'),
    h('div', { class: 'columns' },
      field('Name', name),
      field('Scope', scope),
      field('Key product', product, 'Optional, client keys only: the one product it may use')),
    h('button', { type: 'submit' }, 'Create key'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(status);
    const body = { name: name.value.trim(), scope: scope.value };
    if (product.value.trim()) body.productId = product.value.trim();
    try {
      const created = await post('v1/admin/api-keys', body);
      form.reset();
      status.append(message('success',
        h('p', {}, 'Key ', h('strong', {}, created.name), ' created. Copy it now: it is not shown again.'),
        h('p', { class: 'secret-line' }, h('code', { id: 'new-api-key' }, created.key), copyButton(created.key, 'Copy key'))));
      await load();
      status.querySelector('button').focus();
    } catch (error) {
      status.append(message('error', error.message));
    }
  });

  await load();
  view.append(h('h1', {}, 'API keys'), status, form, list);
  view.dataset.title = 'API keys';
  return view;
}
