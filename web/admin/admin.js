// Administration: accounts, authorities and the audit log. A Preact app over the REST API; the
// roles and languages an account can have are read from the API's own description (/api/docs),
// so a role added on the server appears here without a change to this page.

import { html, useEffect, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { startPage } from '../shared/page.js';
import { attempt } from '../shared/session.js';
import { Accounts } from './accounts.js';
import { AuditLog } from './auditLog.js';
import { Authorities } from './authorities.js';

const VIEWS = [
  { id: 'accounts', label: 'Accounts' },
  { id: 'authorities', label: 'Authorities' },
  { id: 'audit', label: 'Audit log' },
];

const viewOfHash = () => VIEWS.find((v) => `#${v.id}` === window.location.hash)?.id ?? 'accounts';

/** The choices of the new-account schema the server validates with. */
function accountChoices(docs) {
  const schema = docs.paths['/api/users'].post.requestBody.content['application/json'].schema;
  return { roles: schema.properties.roles.items.enum, languages: schema.properties.languages.items.enum };
}

function App({ user }) {
  const [view, setView] = useState(viewOfHash());
  const [choices, setChoices] = useState(null);
  const [users, setUsers] = useState(null);
  const [authorities, setAuthorities] = useState(null);

  const loadUsers = async () => {
    const found = await attempt('Loading the accounts', () => api('GET', '/api/users'));
    if (found) setUsers(found.users);
  };
  const loadAuthorities = async () => {
    const found = await attempt('Loading the authorities', () => api('GET', '/api/authorities'));
    if (found) setAuthorities(found.authorities);
  };
  useEffect(() => {
    const follow = () => setView(viewOfHash());
    window.addEventListener('hashchange', follow);
    void attempt('Loading the roles', () => api('GET', '/api/docs')).then(
      (docs) => docs && setChoices(accountChoices(docs)),
    );
    void loadUsers();
    void loadAuthorities();
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  return html`
    <nav class="tabs" aria-label="Administration">
      ${VIEWS.map(
        (v) =>
          html`<a key=${v.id} href=${`#${v.id}`} aria-current=${view === v.id ? 'page' : undefined}
            >${v.label}</a
          >`,
      )}
    </nav>
    ${
      view === 'accounts' &&
      html`<${Accounts}
        me=${user}
        users=${users}
        authorities=${authorities ?? []}
        choices=${choices}
        onChanged=${loadUsers}
      />`
    }
    ${
      view === 'authorities' &&
      html`<${Authorities}
        authorities=${authorities}
        users=${users ?? []}
        languages=${choices?.languages ?? []}
        onChanged=${loadAuthorities}
      />`
    }
    ${view === 'audit' && html`<${AuditLog} users=${users ?? []} />`}
  `;
}

startPage({
  roles: ['admin'],
  App,
  refusal: 'This page is for administrators.',
});
