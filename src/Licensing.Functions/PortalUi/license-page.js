// The owner's license: its terms, the machines using it (free a seat), offline activation, the license document and
// the seat events.
import { get, post } from './session.js';
import { h, table, message, clear } from './dom.js';
import { modeName, dateTime, day } from './format.js';
import { offlineSection } from './offline.js';

const LICENSE = 'v1/portal/license';

export async function licensePage() {
  const view = h('section', {});
  const status = h('div', { class: 'status-slot' });
  const offline = offlineSection((request) => post(`${LICENSE}/offline/activate`, { request }), () => refresh());

  async function refresh(note) {
    const [owned, events, licenseFile] = await Promise.all([get(LICENSE), get(`${LICENSE}/events`), get(`${LICENSE}/document`)]);
    const { license } = owned;
    const title = license.customerName || 'Your license';
    const focused = document.activeElement;
    clear(view).append(
      h('div', { class: 'heading-row' },
        h('h1', {}, title),
        h('span', { class: `badge ${owned.status}` }, STATUS[owned.status] ?? owned.status)),
      status,
      terms(owned, licenseFile),
      machines(license),
      ...(license.licensingMode === 1 ? [offline] : []),
      history(events));
    view.dataset.title = title;
    clear(status);
    if (note) status.append(message('success', note));
    // Keep the keyboard where it was (the offline section is the same node after a refresh); a freed seat's button is
    // gone, so its place is the machines' heading.
    if (view.contains(focused)) focused.focus();
    else if (note) view.querySelector('#machines-heading').focus();
  }

  async function free(license, seat) {
    const name = seat.clientName ? `${seat.clientName} (${seat.machineId})` : seat.machineId;
    const move = license.licensingMode === 1 && license.maxTransfers > 0
      ? ` It counts as one of the ${license.maxTransfers} moves this license allows in 30 days.`
      : '';
    if (!window.confirm(`Free the seat of ${name}? That machine stops being licensed.${move}`)) return;
    try {
      await post(`${LICENSE}/seats/${encodeURIComponent(seat.token)}/release`);
      await refresh(`The seat of ${seat.machineId} is free.`);
    } catch (error) {
      clear(status).append(message('error', error.message));
      status.scrollIntoView({ block: 'nearest' });
    }
  }

  function machines(license) {
    const live = (license.licenseTokens ?? []).filter((seat) => seat.state === 'live')
      .sort((a, b) => a.machineId.localeCompare(b.machineId));
    return h('section', { 'aria-labelledby': 'machines-heading', class: 'same-as-heading' },
      h('h2', { id: 'machines-heading', tabindex: '-1' }, 'Machines'),
      table('Machines', ['Machine', 'Client', 'Since', 'Last heartbeat', 'Lease ends', ''],
        live.map((seat) => [
          h('code', {}, seat.machineId),
          seat.clientName || '—',
          dateTime(seat.issuedAt),
          dateTime(seat.lastHearbeat),
          dateTime(seat.expireAt),
          h('button', { type: 'button', class: 'warn small', title: `Free the seat of ${seat.machineId}`, onclick: () => free(license, seat) }, 'Free this seat'),
        ]),
        'No machine uses this license.'),
      h('p', { class: 'hint' }, `${license.activeClientCount} of ${license.maxClientCount} seats in use.`));
  }

  await refresh();
  return view;
}

const STATUS = { active: 'Active', suspended: 'Suspended', revoked: 'Revoked', expired: 'Expired' };

/** The owner's view {license, status, inGrace?, graceEndsAt?, transfers}: terms, grace, moves, and the document. */
function terms(owned, licenseFile) {
  const { license } = owned;
  const rows = [
    ['Product', license.productId || '—'],
    ['Licensing mode', modeName(license.licensingMode)],
    ['Seats', `${license.activeClientCount} used of ${license.maxClientCount}`],
    ['Expires', license.expireAt ? dateTime(license.expireAt) : 'Never'],
    ...(owned.inGrace ? [['Grace ends', dateTime(owned.graceEndsAt)]] : []),
    ['Support until', dateTime(license.supportExpireAt)],
    ...(license.licensingMode === 1 ? [['Machine moves left', movesLeft(owned.transfers)]] : []),
    ['Features', (license.features ?? []).length ? license.features.join(', ') : '—'],
  ];
  return h('section', { 'aria-labelledby': 'terms-heading' },
    h('h2', { id: 'terms-heading' }, 'Terms'),
    h('dl', { class: 'terms' }, rows.map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, value)))),
    h('p', {},
      h('a', { href: `data:text/plain;charset=utf-8,${encodeURIComponent(licenseFile)}`, download: `${license.licenseId}.lic` }, 'Download license'),
      h('span', { class: 'hint' }, ' — the signed license file, for a machine that checks its license offline.')));
}

/** "2 of 3 in 30 days", "0 of 3 in 30 days, the next on 2026-04-01", or "Unlimited" when the license counts no moves. */
function movesLeft(transfers) {
  if (!transfers) return 'Unlimited';
  const next = transfers.nextMoveAt ? `, the next on ${day(transfers.nextMoveAt)}` : '';
  return `${transfers.movesLeft} of ${transfers.maxTransfers} in 30 days${next}`;
}

const EVENTS = {
  'seat.activated': 'Machine activated',
  'seat.deactivated': 'Machine deactivated',
  'seat.granted': 'Seat taken',
  'seat.released': 'Seat given back',
  'seat.lapsed': 'Seat lapsed (no heartbeat)',
  'seat.revoked': 'Seat ended by the vendor',
  'seat.borrowed': 'Seat borrowed',
  'portal.signed_in': 'Signed in to this portal',
};

/** Who did it, in the owner's words: this portal, the server's timer, else the app or the vendor (an API key). */
function actorName(actor) {
  if (actor === 'customer') return 'You, in this portal';
  if (actor === 'server') return 'The server';
  return 'Your app or vendor';
}

function history(page) {
  return h('section', { 'aria-labelledby': 'events-heading' },
    h('h2', { id: 'events-heading' }, 'Seat events'),
    table('Seat events and sign-ins, newest first', ['When', 'Event', 'Machine', 'By'],
      page.items.map((e) => [dateTime(e.at), EVENTS[e.type] ?? e.type, e.machineId || '—', actorName(e.actor)]),
      'Nothing happened yet.'));
}
