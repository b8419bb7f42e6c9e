// A button that copies a secret to the clipboard and says so.
import { h } from './dom.js';

export function copyButton(text, label) {
  const button = h('button', { type: 'button', class: 'quiet' }, label);
  const said = h('span', { class: 'copied', role: 'status' });
  button.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      said.textContent = 'Copied.';
    } catch {
      said.textContent = 'Copy failed: select the text and copy it.';
    }
  });
  return h('span', { class: 'copy' }, button, said);
}
