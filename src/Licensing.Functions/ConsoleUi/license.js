// One license: its terms, live seats (revoke), meters (reset), suspend/resume, offline activation, edits, entitlements, seats in use and activity.
import { get, patch, post, withQuery, ApiError } from './api.js';
import { h, field, table, message, clear } from './dom.js';
import { modeName, dateTime, day, duration, endOfDay, licenseStatus, toDate } from './format.js';
import { usageChart } from './chart.js';
import { offlineSection } from './offline.js';

export async function licensePage(licenseId) {
  const path = `v1/admin/licenses/${encodeURIComponent(licenseId)}`;
  const view = h('section', {});
  const status = h('div', { class: 'status-slot' });
  const offline = offlineSection((request) => post('v1/license/offline/activate', { request }), () => refresh());

  async function refresh(note) {
    const license = await get(path);
    const [events, usage] = await Promise.all([get(withQuery(`${path}/events`, { pageSize: 50 })), usageOf(path)]);
    const focused = document.activeElement;
    const focusKey = view.contains(focused) ? (focused.dataset.focus ?? focused.textContent) : null;
    clear(view).append(
      h('div', { class: 'heading-row' },
        h('h1', {}, license.customerName || `License ${license.licenseId}`),
        h('span', { class: `badge ${licenseStatus(license).toLowerCase()}` }, licenseStatus(license))),
      status,
      actions(license),
      terms(license),
      seats(license),
      meters(license),
      usageSection(license, usage),
      ...(license.licensingMode === 1 ? [offline] : []),
      edits(license),
      entitlements(license),
      activity(events));
    view.dataset.title = license.customerName || license.licenseId;
    clear(status);
    if (note) status.append(message('success', note));
    // Keep the keyboard where it was: on the button pressed (Suspend becomes Resume in the same place), else the heading.
    const again = [...view.querySelectorAll('button')].find((b) => (b.dataset.focus ?? b.textContent) === focusKey);
    (again ?? view.querySelector('h1')).focus();
  }

  async function change(body, note) {
    try {
      await patch(path, body);
      await refresh(note);
    } catch (error) {
      clear(status).append(message('error', error.message));
    }
  }

  function actions(license) {
    const suspend = license.suspended
      ? h('button', { type: 'button', 'data-focus': 'suspension', onclick: () => change({ suspended: false }, 'The license is active again.') }, 'Resume')
      : h('button', { type: 'button', class: 'warn', 'data-focus': 'suspension', onclick: () => change({ suspended: true }, 'The license is suspended: its seats are refused until it is resumed.') }, 'Suspend');
    const portal = license.portal
      ? h('button', { type: 'button', 'data-focus': 'portal', onclick: () => change({ portal: false }, 'The customer portal is off for this license.') }, 'Turn the portal off')
      : h('button', { type: 'button', 'data-focus': 'portal', onclick: () => change({ portal: true }, 'The customer portal is on for this license.') }, 'Turn the portal on');
    return h('div', { class: 'actions' }, suspend, portal);
  }

  function seats(license) {
    const live = (license.licenseTokens ?? []).filter((seat) => seat.state === 'live');
    const ended = (license.licenseTokens ?? []).length - live.length;
    return h('section', { 'aria-labelledby': 'seats-heading' },
      h('h2', { id: 'seats-heading' }, 'Live seats'),
      table('Seats', ['Machine', 'Client', 'Address', 'Since', 'Last heartbeat', 'Lease ends', ''],
        live.map((seat) => [
          h('code', {}, seat.machineId),
          seat.clientName || seat.clientId || '—',
          seat.clientAddr || '—',
          dateTime(seat.issuedAt),
          dateTime(seat.lastHearbeat),
          dateTime(seat.expireAt),
          h('button', {
            type: 'button', class: 'warn small', title: `End the seat of ${seat.machineId} now`,
            onclick: async () => {
              try {
                await post(`${path}/tokens/revoke`, { token: seat.token });
                await refresh(`The seat of ${seat.machineId} was revoked.`);
              } catch (error) {
                clear(status).append(message('error', error.message));
              }
            },
          }, 'Revoke'),
        ]),
        'No seat is taken.'),
      h('p', { class: 'hint' }, `${license.activeClientCount} of ${license.maxClientCount} seats in use`,
        ended > 0 ? `; ${ended} ended seat${ended === 1 ? '' : 's'} kept in the history.` : '.'));
  }

  function meters(license) {
    const list = license.meters ?? [];
    return h('section', { 'aria-labelledby': 'meters-heading' },
      h('h2', { id: 'meters-heading' }, 'Meters'),
      table('Meters', ['Meter', 'Used', 'Remaining', 'Overage allowed', 'Resets', 'Period ends', ''],
        list.map((m) => [
          h('code', {}, m.code),
          m.limit === null ? `${m.used} (unlimited)` : `${m.used} of ${m.limit}${m.used > m.limit ? ' (overage)' : ''}`,
          m.remaining === null ? '—' : String(m.remaining),
          m.limit === null ? '—' : String(m.overage),
          RESETS[m.resetPeriod] ?? 'Never',
          dateTime(m.periodEndsAt),
          h('button', {
            type: 'button', class: 'warn small', 'data-focus': `reset-${m.code}`, 'aria-label': `Reset ${m.code}`,
            title: `Start the count of ${m.code} again from zero`,
            onclick: async () => {
              try {
                await post(`${path}/meters/${encodeURIComponent(m.code)}/reset`);
                await refresh(`The count of ${m.code} starts again from zero.`);
              } catch (error) {
                clear(status).append(message('error', error.message));
              }
            },
          }, 'Reset'),
        ]),
        'No meters: this license does not count use.'));
  }

  function edits(license) {
    const seatsInput = h('input', { type: 'number', min: '1', max: '100000', value: String(license.maxClientCount), required: true });
    const expires = h('input', { type: 'date', value: license.expireAt ? day(license.expireAt) : '' });
    const support = h('input', { type: 'date', value: license.supportExpireAt ? day(license.supportExpireAt) : '' });
    const customer = h('input', { type: 'text', value: license.customerName ?? '', maxlength: '200', autocomplete: 'off' });
    const form = h('form', { class: 'card', 'aria-labelledby': 'edit-heading', novalidate: true },
      h('h2', { id: 'edit-heading' }, 'Change terms'),
      h('div', { class: 'columns' },
        field('Maximum seats', seatsInput),
        field('Expiry date', expires, 'Empty: never expires'),
        field('Support until', support, 'Empty: no support date'),
        field('Customer name', customer)),
      h('button', { type: 'submit' }, 'Save changes'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const body = { maxClientCount: Number(seatsInput.value) };
      if (expires.value !== (license.expireAt ? day(license.expireAt) : '')) body.expireAt = endOfDay(expires.value);
      if (support.value !== (license.supportExpireAt ? day(license.supportExpireAt) : '')) body.supportExpireAt = endOfDay(support.value);
      if (customer.value.trim() !== (license.customerName ?? '')) body.customerName = customer.value.trim() || null;
      change(body, 'The terms were saved.');
    });
    return form;
  }

  function entitlements(license) {
    const list = license.entitlements ?? [];
    const code = h('input', { type: 'text', autocomplete: 'off', pattern: '[a-z0-9._-]{1,64}', required: true });
    const value = h('input', { type: 'text', autocomplete: 'off' });
    const until = h('input', { type: 'date' });
    const kept = (e) => ({ code: e.code, value: e.value, expireAt: e.expireAt });
    const form = h('form', { class: 'inline-form', 'aria-label': 'Add an entitlement', novalidate: true },
      field('Entitlement code', code),
      field('Value', value, 'Optional JSON, e.g. 20 or "gold"'),
      field('Entitlement expires', until),
      h('button', { type: 'submit' }, 'Add entitlement'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const entry = { code: code.value.trim() };
      if (value.value.trim()) {
        try {
          entry.value = JSON.parse(value.value);
        } catch {
          entry.value = value.value.trim();
        }
      }
      if (until.value) entry.expireAt = endOfDay(until.value);
      change({ entitlements: list.filter((e) => e.code !== entry.code).map(kept).concat([entry]) }, `Entitlement ${entry.code} saved.`);
    });
    return h('section', { 'aria-labelledby': 'entitlements-heading' },
      h('h2', { id: 'entitlements-heading' }, 'Entitlements'),
      table('Entitlements', ['Code', 'Value', 'Expires', ''],
        list.map((e) => [
          h('code', {}, e.code),
          e.value === undefined ? '—' : JSON.stringify(e.value),
          day(e.expireAt),
          h('button', {
            type: 'button', class: 'quiet small', 'aria-label': `Remove ${e.code}`,
            onclick: () => change({ entitlements: list.filter((x) => x.code !== e.code).map(kept) }, `Entitlement ${e.code} removed.`),
          }, 'Remove'),
        ]),
        'No entitlements.'),
      form);
  }

  await refresh();
  return view;
}

const RESETS = { day: 'Daily', week: 'Weekly', month: 'Monthly', year: 'Yearly' };

function terms(license) {
  const rows = [
    ['License id', h('code', {}, license.licenseId)],
    ['User key', h('code', {}, license.userKey)],
    ['Product', license.productId || '—'],
    ['Licensing mode', modeName(license.licensingMode)],
    ['Seats', `${license.activeClientCount} used of ${license.maxClientCount}`],
    ['Expires', dateTime(license.expireAt)],
    ['Support until', dateTime(license.supportExpireAt)],
    ['Heartbeat interval', duration(license.heartbeatInterval)],
    ['Issued', dateTime(license.issuedAt)],
    ['Policy', license.policyId || '—'],
  ];
  return h('section', { 'aria-labelledby': 'terms-heading' },
    h('h2', { id: 'terms-heading' }, 'Terms'),
    h('dl', { class: 'terms' }, rows.map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, value)))));
}

/** The last 30 days of hourly usage; a server without the usage route (404) gives an empty history. */
// The server's default span (the last 30 days by its clock), drawn up to the end of the last hour it answered.
async function usageOf(path) {
  let items = [];
  try {
    items = (await get(`${path}/usage`)).items ?? [];
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
  const last = items.length ? toDate(items[items.length - 1].hour) : null;
  const to = last ? new Date(last.getTime() + 3600000) : new Date();
  return { from: new Date(to.getTime() - 30 * 86400000), to, items };
}

function usageSection(license, usage) {
  return h('section', { 'aria-labelledby': 'usage-heading' },
    h('h2', { id: 'usage-heading' }, 'Seats in use'),
    usageChart(usage, license.maxClientCount));
}

function activity(page) {
  return h('section', { 'aria-labelledby': 'activity-heading' },
    h('h2', { id: 'activity-heading' }, 'Activity'),
    table('Audit trail, newest first', ['When', 'Event', 'By', 'Machine', 'Address'],
      page.items.map((e) => [dateTime(e.at), h('code', {}, e.type), e.actor, e.machineId || '—', e.clientAddr || '—']),
      'Nothing recorded yet.'),
    page.continuationToken ? h('p', { class: 'hint' }, 'Showing the newest 50 events.') : null);
}

