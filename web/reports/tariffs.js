// Tariff versions, for admins: the versions there are, and a form that adds one. Prices are typed in
// euros and sent in cents (accounting/tariffs.ts); the server checks everything again.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, button, el, setBusy, showStatus } from '../shared/ui.js';
import { dateTime, euros, instantOf } from './format.js';

const PRICES = {
  activationCents: 'activation',
  operatorQuarterHourD5Cents: 'D5 quarter hour',
  operatorQuarterHourD2Cents: 'D2 quarter hour',
  personConversationCents: 'conversation with people',
  tokensInPerMillionCents: 'million tokens in',
  tokensOutPerMillionCents: 'million tokens out',
};

let rowCounter = 0;

export function setUpTariffs() {
  $('tariff-form').addEventListener('submit', onSubmit);
  $('tariff-scope').addEventListener('change', renderScopeRules);
  $('add-message-price').addEventListener('click', () => addMessagePrice().querySelector('input').focus());
}

export async function showTariffs(authorities) {
  $('tariff-panel').hidden = false;
  $('tariff-scope').replaceChildren(
    new Option('Every authority (default)', 'default'),
    ...authorities.map((a) => new Option(`${a.name} (${a.nisCode}) only`, a.nisCode)),
  );
  resetForm();
  await loadTariffs();
}

export function hideTariffs() {
  $('tariff-panel').hidden = true;
  $('tariff-list').replaceChildren();
  $('tariff-details').open = false;
}

async function loadTariffs() {
  const data = await attempt('Loading the tariffs', () => api('GET', '/api/tariffs'));
  if (!data) return;
  const newestFirst = [...data.tariffs].sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom));
  $('tariff-list').replaceChildren(
    ...newestFirst.map((tariff) => {
      const item = el('li');
      item.dataset.tariff = tariff.id;
      item.append(
        el('strong', '', tariff.id),
        el('span', '', ` from ${dateTime(tariff.validFrom)}`),
        el('span', 'hint tariff-prices', pricesText(tariff)),
      );
      if (tariff.note) item.append(el('span', 'hint', tariff.note));
      return item;
    }),
  );
  if (newestFirst.length === 0)
    $('tariff-list').append(el('li', 'hint', 'No tariff yet: reports price nothing.'));
}

function pricesText(tariff) {
  const prices = Object.entries(PRICES)
    .filter(([field]) => tariff[field] !== undefined)
    .map(([field, name]) => `${name} ${euros(tariff[field])}`);
  for (const { channel, cents } of tariff.messageCents ?? [])
    prices.push(`message on ${channel} ${euros(cents)}`);
  if (tariff.exercisePercent !== undefined) prices.push(`exercises pay ${tariff.exercisePercent}%`);
  return prices.join(' · ');
}

/** The default tariff sets every price; an authority's version only the prices it overrides. */
function renderScopeRules() {
  const isDefault = $('tariff-scope').value === 'default';
  for (const field of Object.keys(PRICES)) $('tariff-form').elements[field].required = isDefault;
  $('tariff-scope-hint').textContent = isDefault
    ? 'The default tariff sets every price below.'
    : 'Leave a price empty to keep the default one for this authority.';
}

function resetForm() {
  const form = $('tariff-form');
  form.reset();
  const nextHour = new Date();
  nextHour.setHours(nextHour.getHours() + 1, 0, 0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  form.validFrom.value =
    `${nextHour.getFullYear()}-${pad(nextHour.getMonth() + 1)}-${pad(nextHour.getDate())}` +
    `T${pad(nextHour.getHours())}:00`;
  $('message-prices').replaceChildren();
  addMessagePrice();
  renderScopeRules();
}

function addMessagePrice() {
  rowCounter += 1;
  const row = el('li', 'message-price');
  const channel = el('input');
  Object.assign(channel, { id: `message-channel-${rowCounter}`, maxLength: 64, autocomplete: 'off' });
  channel.setAttribute('list', 'known-channels');
  const price = el('input');
  Object.assign(price, { id: `message-price-${rowCounter}`, type: 'number', min: '0', step: '0.01' });
  const channelLabel = el('label', '', 'Channel');
  channelLabel.htmlFor = channel.id;
  const priceLabel = el('label', '', 'Price (€)');
  priceLabel.htmlFor = price.id;
  const remove = button('Remove', 'secondary', () => row.remove());
  remove.setAttribute('aria-label', `Remove channel row ${rowCounter}`);
  row.append(channelLabel, channel, priceLabel, price, remove);
  $('message-prices').append(row);
  return row;
}

/** Euros typed in a number input, as whole cents; undefined when empty. */
function cents(input) {
  return Number.isNaN(input.valueAsNumber) ? undefined : Math.round(input.valueAsNumber * 100);
}

function tariffFrom(form) {
  const body = { scope: form.scope.value, validFrom: instantOf(form.validFrom.value) };
  for (const field of Object.keys(PRICES)) {
    const value = cents(form.elements[field]);
    if (value !== undefined) body[field] = value;
  }
  const messageCents = [...$('message-prices').children]
    .map((row) => {
      const [channel, price] = row.querySelectorAll('input');
      return { channel: channel.value.trim(), cents: cents(price) };
    })
    .filter((entry) => entry.channel || entry.cents !== undefined);
  if (messageCents.length) body.messageCents = messageCents;
  const exercisePercent = form.exercisePercent.valueAsNumber;
  if (!Number.isNaN(exercisePercent)) body.exercisePercent = Math.round(exercisePercent);
  const note = form.note.value.trim();
  if (note) body.note = note;
  return body;
}

async function onSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  if (!form.checkValidity()) {
    form.reportValidity();
    return;
  }
  const body = tariffFrom(form);
  setBusy(form, true);
  try {
    const version = await attempt('Adding the tariff version', () => api('POST', '/api/tariffs', body));
    if (!version) return;
    showStatus(`Added the tariff version ${version.id}, valid from ${dateTime(version.validFrom)}.`);
    resetForm();
    await loadTariffs();
  } finally {
    setBusy(form, false);
  }
}
