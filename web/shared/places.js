// Which staff pages an account's roles open, so a page it cannot use can point it to the right one.

import { el } from './ui.js';

const PLACES = [
  { href: '/console/', label: 'Operator console', roles: ['operator', 'd2-agent'] },
  { href: '/activate/', label: 'Crisis service activation', roles: ['authority', 'admin'] },
  { href: '/studio/', label: 'Content studio', roles: ['communicator', 'admin'] },
  { href: '/reports/', label: 'Cost reports', roles: ['authority', 'admin'] },
  {
    href: '/operations/',
    label: 'Live operations and staffing',
    roles: ['supervisor', 'authority', 'admin'],
  },
  { href: '/admin/', label: 'Administration (accounts, authorities, audit log)', roles: ['admin'] },
];

export function placesFor(user) {
  return PLACES.filter((place) => place.roles.some((role) => user.roles.includes(role)));
}

/** Fills `list` (a <ul>) with links to the pages the user may use, and shows it. */
export function showPlaces(list, user) {
  const places = placesFor(user);
  list.replaceChildren(
    ...places.map((place) => {
      const item = el('li');
      const link = el('a', '', place.label);
      link.href = place.href;
      item.append(link);
      return item;
    }),
  );
  list.hidden = places.length === 0;
}
