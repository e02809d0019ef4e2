// The marker of an exercise on the activation page, as on every other staff page.

import { html } from '/shared/vendor/preact-htm.js';

export const ExerciseBadge = () => html`<strong class="badge exercise">EXERCISE</strong>`;
