// Crisis service activation for authority users (and admins): enrol the second factor, open a
// service from a template or a content file, publish its link, end it. A Preact app over the REST
// API; each act that opens or ends a service asks for a code, unless the sign-in gave one a few
// minutes ago (docs/operator-api.md).

import { html, useEffect, useState } from '/shared/vendor/preact-htm.js';
import { api } from '../shared/api.js';
import { startPage } from '../shared/page.js';
import { attempt } from '../shared/session.js';
import { ActivationForm } from './activationForm.js';
import { CrisisList } from './crisisList.js';
import { Enrolment } from './enrolment.js';
import { useCodeNeeded } from './freshness.js';

function App({ user: signedIn }) {
  const [user, setUser] = useState(signedIn);
  const [crises, setCrises] = useState(null);
  const [templates, setTemplates] = useState([]);
  const [authorities, setAuthorities] = useState([]);
  /** The crisis just activated: its card takes the focus. */
  const [fresh, setFresh] = useState(null);
  const [codeNeeded, onCodeNeeded] = useCodeNeeded(user.secondFactorFreshUntil);

  const loadCrises = async () => {
    const listed = await attempt('Loading the crisis services', () => api('GET', '/api/crises'));
    if (listed) setCrises(listed.crises);
  };
  useEffect(() => {
    void loadCrises();
    void attempt('Loading the templates', () => api('GET', '/api/templates')).then(
      (found) => found && setTemplates(found.templates),
    );
    void attempt('Loading your authority', () => api('GET', '/api/authorities')).then(
      (found) => found && setAuthorities(found.authorities),
    );
  }, []);

  const enrolled = async () => setUser(await api('GET', '/api/me'));
  const activated = async (crisis) => {
    setFresh(crisis.slug);
    await loadCrises();
  };

  return html`
    ${!user.totpEnabled && html`<${Enrolment} onEnrolled=${enrolled} />`}
    ${
      user.totpEnabled &&
      html`<${ActivationForm}
        user=${user}
        templates=${templates}
        authorities=${authorities}
        codeNeeded=${codeNeeded}
        onCodeNeeded=${onCodeNeeded}
        onActivated=${activated}
      />`
    }
    <${CrisisList}
      crises=${crises}
      fresh=${fresh}
      canAct=${user.totpEnabled}
      codeNeeded=${codeNeeded}
      onCodeNeeded=${onCodeNeeded}
      onChanged=${loadCrises}
    />
  `;
}

startPage({
  roles: ['authority', 'admin'],
  App,
  refusal: 'This page is for the authority users who activate a crisis service.',
  signInHint: 'Once your authenticator app is set up, the code it shows is asked after your password.',
});
