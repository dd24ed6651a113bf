// The FTGO web client: hash routes, plain ES modules, no build step.
//   #/orders?state=&page=     order history (state filter, paging)
//   #/orders/{id}             the order page, each part with its _meta status
//   #/restaurants[/{id}]      restaurants and a menu
// Signed out, every route shows the sign-in view.
import * as api from './api.js';
import { h, show } from './dom.js';

const PAGE_SIZE = 5;
const STATES = ['APPROVAL_PENDING', 'APPROVED', 'REJECTED', 'CANCEL_PENDING', 'CANCELLED', 'REVISION_PENDING'];
const PARTS = [
  ['order', 'Order'],
  ['ticket', 'Kitchen ticket'],
  ['delivery', 'Delivery'],
  ['bill', 'Bill'],
  ['restaurant', 'Restaurant'],
  ['consumer', 'Customer'],
];

let me = null;

async function route() {
  const [path, query] = (location.hash.replace(/^#/, '') || '/orders').split('?');
  const params = new URLSearchParams(query || '');
  try {
    if (!me) {
      me = await api.user();
      signedIn(me);
    }
    const segments = path.split('/').filter(Boolean);
    if (segments[0] === 'orders' && segments[1]) {
      await orderView(segments[1]);
    } else if (segments[0] === 'restaurants' && segments[1]) {
      await restaurantView(segments[1]);
    } else if (segments[0] === 'restaurants') {
      await restaurantsView();
    } else {
      await ordersView(params.get('state') || '', Number(params.get('page') || 0));
    }
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) {
      me = null;
      signedOut();
      loginView();
    } else {
      show(errorBox(error));
    }
  }
}

function signedIn(user) {
  document.getElementById('nav').hidden = false;
  document.getElementById('who').textContent = user.username || user.sub;
}

function signedOut() {
  document.getElementById('nav').hidden = true;
  document.getElementById('who').textContent = '';
}

function loginView() {
  show(h('section', { id: 'login', class: 'card' },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Sign in to see your orders. You will come back here afterwards.'),
    h('button', { id: 'sign-in', type: 'button', onclick: api.login }, 'Sign in')));
}

function errorBox(error) {
  return h('p', { class: 'problem', role: 'alert' }, error.message);
}

// order history

async function ordersView(state, page) {
  const data = await api.orders(state, page, PAGE_SIZE);
  const filter = h('select', { id: 'state-filter', 'aria-label': 'State' },
    h('option', { value: '' }, 'All states'),
    STATES.map((s) => h('option', { value: s, selected: s === state }, s)));
  filter.addEventListener('change', () => go(filter.value, 0));
  const pages = Math.max(1, Math.ceil(data.totalOrders / data.size));
  show(h('section', { id: 'orders' },
    h('h1', {}, 'Your orders'),
    h('label', {}, 'Show ', filter),
    data.orders.length === 0
      ? h('p', { class: 'muted', id: 'no-orders' }, 'No orders.')
      : h('ul', { class: 'list' }, data.orders.map((o) => h('li', { 'data-order': o.orderId },
        h('a', { href: `#/orders/${o.orderId}` }, `Order ${o.orderId}`),
        ` · ${o.restaurantName || ''} · `,
        h('span', { class: `state state-${o.status}` }, o.status),
        o.delivery ? h('span', { class: 'muted' }, ` · delivery ${o.delivery.state}`) : null))),
    h('nav', { class: 'pager' },
      h('button', { id: 'prev', type: 'button', disabled: page <= 0, onclick: () => go(state, page - 1) }, '‹ Newer'),
      h('span', { id: 'page' }, `Page ${page + 1} of ${pages} (${data.totalOrders} orders)`),
      h('button', { id: 'next', type: 'button', disabled: page + 1 >= pages, onclick: () => go(state, page + 1) }, 'Older ›'))));
}

function go(state, page) {
  const params = new URLSearchParams();
  if (state) params.set('state', state);
  if (page) params.set('page', page);
  const query = params.toString();
  location.hash = '#/orders' + (query ? '?' + query : '');
}

// the order page

async function orderView(id) {
  let data;
  try {
    data = await api.order(id);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) {
      show(h('section', { id: 'not-found', class: 'card' },
        h('h1', {}, 'Order not found'),
        h('p', { class: 'problem' }, error.message),
        h('a', { href: '#/orders' }, 'Back to your orders')));
      return;
    }
    throw error;
  }
  const meta = (data._meta && data._meta.parts) || {};
  const order = data.order || {};
  const status = h('div', { id: 'cancel-status', role: 'status' });
  const cancellable = ['APPROVAL_PENDING', 'APPROVED'].includes(order.state);
  show(h('section', { id: 'order', 'data-complete': String(Boolean(data._meta && data._meta.complete)) },
    h('h1', {}, `Order ${order.orderId ?? id}`),
    data._meta && !data._meta.complete
      ? h('p', { class: 'degraded', id: 'degraded' }, 'Some parts of this page are out of date or unavailable.')
      : null,
    h('div', { class: 'parts' }, PARTS.map(([name, title]) => part(name, title, data[name], meta[name]))),
    cancellable ? h('button', { id: 'cancel', type: 'button', class: 'danger', onclick: () => confirmCancel(id, status) }, 'Cancel order') : null,
    status,
    h('p', {}, h('a', { href: '#/orders' }, 'Back to your orders'))));
}

/** One part: its status from _meta, made visible, with age or reason when not fresh. */
function part(name, title, value, meta) {
  const state = (meta && meta.status) || (value ? 'fresh' : 'omitted');
  let label = state;
  if (state === 'stale') {
    label = `stale · ${age(meta.ageSeconds)} old` + (meta.reason ? ` (${meta.reason})` : '');
  } else if (state === 'omitted') {
    label = 'unavailable' + (meta && meta.reason ? ` (${meta.reason}${meta.httpStatus ? ' ' + meta.httpStatus : ''})` : '');
  } else if (state === 'default') {
    label = 'default value' + (meta && meta.reason ? ` (${meta.reason})` : '');
  }
  return h('article', { class: `part part-${state}`, 'data-part': name, 'data-status': state },
    h('header', {}, h('h2', {}, title), h('span', { class: `badge badge-${state}` }, label)),
    value ? summary(name, value) : h('p', { class: 'muted' }, 'Not available right now.'));
}

function age(seconds) {
  if (seconds === undefined || seconds === null) return 'some time';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

function summary(name, v) {
  switch (name) {
    case 'order':
      return h('div', {},
        h('p', {}, `State ${v.state} · total $${v.orderTotal}`),
        h('ul', { class: 'lines' }, (v.lineItems || []).map((l) => h('li', {}, `${l.quantity} × ${l.name} ($${l.price})`))));
    case 'ticket':
      return h('p', {}, `Kitchen: ${v.state}` + (v.readyBy ? ` · ready by ${time(v.readyBy)}` : ''));
    case 'delivery':
      return h('p', {}, `Delivery: ${v.deliveryInfo ? v.deliveryInfo.state : '?'}`
        + (v.estimatedDeliveryTime ? ` · ETA ${time(v.estimatedDeliveryTime)}` : ''));
    case 'bill':
      return h('p', {}, `Bill: ${v.state} · $${v.amount}`);
    case 'restaurant':
      return h('p', {}, h('a', { href: `#/restaurants/${v.id}` }, v.name), v.address ? ` · ${v.address.city}` : '');
    case 'consumer':
      return h('p', {}, `${v.firstName || ''} ${v.lastName || ''}`);
    default:
      return h('p', {}, JSON.stringify(v));
  }
}

function time(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

function confirmCancel(id, status) {
  const yes = h('button', { id: 'confirm-cancel', type: 'button', class: 'danger' }, 'Yes, cancel it');
  const no = h('button', { id: 'keep-order', type: 'button' }, 'Keep it');
  status.replaceChildren(h('div', { class: 'confirm', id: 'confirm' },
    h('p', {}, `Cancel order ${id}? This cannot be undone.`), yes, ' ', no));
  no.addEventListener('click', () => status.replaceChildren());
  yes.addEventListener('click', async () => {
    yes.disabled = true;
    try {
      const result = await api.cancelOrder(id);
      status.replaceChildren(h('p', { class: 'ok', id: 'cancelled' }, `Order ${result.orderId} is now ${result.state}.`));
    } catch (error) {
      status.replaceChildren(h('p', { class: 'problem', id: 'cancel-problem', role: 'alert' }, error.message));
    }
  });
}

// restaurants

async function restaurantsView() {
  const data = await api.restaurants();
  show(h('section', { id: 'restaurants' },
    h('h1', {}, 'Restaurants'),
    h('ul', { class: 'list' }, (data.restaurants || []).map((r) => h('li', { 'data-restaurant': r.id },
      h('a', { href: `#/restaurants/${r.id}` }, r.name),
      r.address ? h('span', { class: 'muted' }, ` · ${r.address.city}`) : null)))));
}

async function restaurantView(id) {
  const r = await api.restaurant(id);
  show(h('section', { id: 'restaurant' },
    h('h1', {}, r.name),
    r.address ? h('p', { class: 'muted' }, `${r.address.street1}, ${r.address.city}`) : null,
    h('table', { class: 'menu' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Dish'), h('th', {}, 'Price'))),
      h('tbody', {}, (r.menu || []).map((m) => h('tr', {}, h('td', {}, m.name), h('td', { class: 'price' }, `$${m.price}`))))),
    h('p', {}, h('a', { href: '#/restaurants' }, 'All restaurants'))));
}

// sign-out: the session ends here and at the identity provider

async function logout() {
  let target = '/';
  try {
    target = (await api.logout()).endSessionUrl || '/';
  } finally {
    me = null;
    location.assign(target);
  }
}

document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('hashchange', route);
// Back/forward from the cache: ask the server again, never show what was there.
window.addEventListener('pageshow', (event) => {
  if (event.persisted) location.reload();
});
route();
