// Offline activation: paste the request an air-gapped machine wrote, get the signed response to carry back to it.
// The console and the portal both show it; each sends the request with its own credential.
import { h, field, message, clear } from './dom.js';

/**
 * The section, kept across the page's refreshes so the answer stays on screen: activate(request) answers the API's
 * {success, response, reason?, message?}; onActivated refreshes the page.
 */
export function offlineSection(activate, onActivated) {
  const request = h('textarea', { rows: '3', required: true, spellcheck: 'false', autocomplete: 'off', class: 'text-file' });
  const result = h('div', {});
  const form = h('form', { class: 'card', 'aria-labelledby': 'offline-heading', novalidate: true },
    h('h2', { id: 'offline-heading' }, 'Offline activation'),
    h('p', { class: 'hint' }, 'For a machine that never reaches the server: paste the request (lsreq1.…) it wrote, then carry the response back to it.'),
    field('Activation request', request),
    h('button', { type: 'submit' }, 'Activate'),
    result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clear(result);
    try {
      const answer = await activate(request.value.trim());
      if (!answer.success) {
        result.append(message('error', `Not activated (${answer.reason}): ${answer.message}`));
        return;
      }
      const response = h('textarea', { rows: '5', readonly: true, spellcheck: 'false', class: 'text-file' });
      response.value = answer.response;
      result.append(
        message('success', 'The machine is activated. Carry this response back to it.'),
        field('Activation response', response),
        h('a', { href: `data:text/plain;charset=utf-8,${encodeURIComponent(answer.response)}`, download: 'activation.lsres' }, 'Download response'));
      await onActivated();
    } catch (error) {
      result.append(message('error', error.message));
    }
  });
  return form;
}
