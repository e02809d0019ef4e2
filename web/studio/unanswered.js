// The studio's "Unanswered" tab: what the bot could not answer in the chosen crisis, grouped by
// meaning, read again every POLL_MS while the tab is open. Mounted by studio.js into its
// workspace; every change lands in the draft, which studio.js then reads again.

import { html, render, useEffect, useState } from '/shared/vendor/preact-htm.js';
import { ApiError } from '../shared/api.js';
import { showStatus } from '../shared/ui.js';
import {
  attachToEntry,
  createEntryFromGroup,
  dismissGroup,
  listGroups,
  translateEntry,
} from './unansweredApi.js';
import { GroupCard } from './unansweredGroup.js';

const POLL_MS = 15_000;

function failure(what, error) {
  const details = error instanceof ApiError ? error.details : [];
  showStatus(`${what} failed: ${error.message}`, 'error', details);
}

function Inbox({ slug, entries, languages, machineTranslation, onDraftChanged }) {
  const [groups, setGroups] = useState(null);
  const [busy, setBusy] = useState(false);

  const load = async () => {
    try {
      setGroups((await listGroups(slug)).groups);
    } catch (error) {
      failure('Reading the unanswered questions', error);
    }
  };
  useEffect(() => {
    void load();
    const timer = setInterval(load, POLL_MS);
    return () => clearInterval(timer);
  }, [slug]);

  const act = async (action, group, body) => {
    setBusy(true);
    try {
      if (action === 'attach') {
        await attachToEntry(slug, group.id, body.faqId, body.messageIds);
        showStatus(
          `Added ${body.messageIds.length} phrasings to “${body.faqId}” in the draft. Publish to use them.`,
        );
      } else if (action === 'entry') {
        const entry = await createEntryFromGroup(slug, group.id, body);
        showStatus(`Entry “${body.id}” added to the draft. Publish to use it.`);
        // The languages nobody wrote are drafted by the model, to be approved in the entry editor.
        if (machineTranslation && entry.missing.length > 0) {
          try {
            await translateEntry(slug, entry);
            showStatus(
              `Entry “${body.id}” added; its missing languages are drafted by machine: approve them before publishing.`,
            );
          } catch (error) {
            failure(`Entry “${body.id}” added; drafting its other languages`, error);
          }
        }
      } else {
        await dismissGroup(slug, group.id);
        showStatus('Group dismissed.');
      }
      if (action !== 'dismiss') await onDraftChanged();
      await load();
    } catch (error) {
      failure('Saving', error);
    } finally {
      setBusy(false);
    }
  };

  if (groups === null) return html`<p class="hint">Reading…</p>`;
  return html`
    <div class="editor-head">
      <h2 id="unanswered-heading" tabindex="-1">Unanswered questions</h2>
      <button type="button" class="secondary" onClick=${load}>Refresh</button>
    </div>
    <p class="hint">
      What citizens asked that the bot could not answer, grouped by meaning across languages, largest first.
      Texts are masked and deleted after the retention period.
    </p>
    ${
      groups.length === 0
        ? html`<p class="hint inbox-empty">Nothing unanswered.</p>`
        : html`<ol class="inbox-groups">
            ${groups.map(
              (group) =>
                html`<${GroupCard}
                  key=${group.id}
                  group=${group}
                  entries=${entries}
                  languages=${languages}
                  busy=${busy}
                  act=${act}
                />`,
            )}
          </ol>`
    }
  `;
}

/** Shows the inbox of `slug` in `container` (entries and languages from the studio's draft). */
export function openUnanswered(container, props) {
  render(html`<${Inbox} ...${props} />`, container);
}

/** Stops its polling when the studio shows something else. */
export function closeUnanswered(container) {
  render(null, container);
}
