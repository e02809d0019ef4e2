// Publishing the draft, and the published versions: their list, what each changed, and the
// rollback to one of them.

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { $, button, el, showStatus } from '../shared/ui.js';
import { confirmAction } from './confirmDialog.js';
import { refreshCrises } from './crises.js';
import { loadDraft } from './draft.js';
import { personName, when, whileBusy } from './format.js';
import { renderExportChoices } from './importExport.js';
import { crisisPath, state } from './state.js';
import { renderDiff } from './versionDiff.js';
import { mayDiscard, showWorkspace } from './workspace.js';

export async function onPublish(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const note = $('publish-note').value.trim();
  if (!note) {
    showStatus('Publishing needs a note: say what changed.', 'error');
    $('publish-note').focus();
    return;
  }
  if (state.dirty) {
    const { ok } = await confirmAction({
      title: 'Publish without your unsaved changes?',
      text: 'The editor holds changes that are not saved: only the saved draft is published. Save them first to include them.',
      ok: 'Publish the saved draft',
    });
    if (!ok) return;
  }
  const version = await whileBusy(form, () =>
    attempt('Publishing', () => api('POST', crisisPath('/publish'), { note })),
  );
  if (!version) return;
  $('publish-note').value = '';
  const result = $('publish-result');
  result.textContent = `Published version ${version.version}: citizens get it within moments.`;
  result.dataset.version = String(version.version);
  result.hidden = false;
  showStatus(`Published version ${version.version}.`);
  await loadDraft();
  await loadVersions();
  await refreshCrises();
}

export async function loadVersions() {
  const slug = state.slug;
  const data = await attempt('Loading the versions', () => api('GET', crisisPath('/versions')));
  if (!data || state.slug !== slug) return;
  state.versions = [...(data.versions ?? [])].sort((a, b) => b.version - a.version);
  renderVersions();
  renderExportChoices();
}

function renderVersions() {
  const list = $('version-list');
  list.replaceChildren(
    ...state.versions.map((version) => {
      const item = el('li', 'version-item');
      item.dataset.version = String(version.version);
      const choose = button(`Version ${version.version}`, 'version-button', () =>
        selectVersion(version.version),
      );
      choose.setAttribute('aria-pressed', String(version.version === state.selectedVersion));
      const head = el('div', 'version-head');
      head.append(choose);
      if (version.live) head.append(el('span', 'badge live', 'Live'));
      item.append(
        head,
        el('p', 'version-note', version.note || '(no note)'),
        el('p', 'hint', `${personName(version.createdBy)} · ${when(version.createdAt)}`),
      );
      return item;
    }),
  );
  $('versions-empty').hidden = state.versions.length > 0;
}

export async function openHistory() {
  if (state.view === 'history') return;
  if (!(await mayDiscard())) return;
  state.loaded = null;
  showWorkspace('history');
  await loadVersions();
  $('history-heading').focus();
}

async function selectVersion(v) {
  state.selectedVersion = v;
  renderVersions();
  const version = state.versions.find((item) => item.version === v);
  const previous = state.versions.filter((item) => item.version < v).sort((a, b) => b.version - a.version)[0];
  $('diff-hint').hidden = true;
  $('diff-view').hidden = false;
  $('diff-heading').textContent = `Version ${v}`;
  $('rollback').disabled = Boolean(version?.live);
  $('rollback').title = version?.live ? 'This version is live already.' : '';
  const author = version
    ? `${personName(version.createdBy)}, ${when(version.createdAt)}: ${version.note || '(no note)'}`
    : '';
  $('diff-meta').textContent = previous
    ? `${author}. Changes since version ${previous.version}.`
    : `${author}. The first version: everything in it is new.`;
  $('diff-body').replaceChildren(el('p', 'hint', 'Loading…'));
  // Without a previous version the server compares with nothing (the default, v − 1 = 0).
  const against = previous ? `?against=${previous.version}` : '';
  const diff = await attempt('Loading the changes', () =>
    api('GET', crisisPath(`/versions/${v}/diff${against}`)),
  );
  if (state.selectedVersion !== v) return;
  if (!diff) {
    $('diff-body').replaceChildren();
    return;
  }
  renderDiff(diff);
}

export async function rollback() {
  const v = state.selectedVersion;
  if (!v) return;
  const { ok, note } = await confirmAction({
    title: `Roll back to version ${v}?`,
    text: `A new version with the content of version ${v} goes live at once, and the draft is reset to it: unpublished changes in the draft are lost.`,
    ok: 'Roll back',
    danger: true,
    withNote: true,
  });
  if (!ok) return;
  const version = await attempt('Rolling back', () =>
    api('POST', crisisPath(`/versions/${v}/rollback`), note ? { note } : {}),
  );
  if (!version) return;
  showStatus(`Rolled back: version ${version.version} (the content of version ${v}) is live.`);
  await loadDraft();
  await loadVersions();
  await refreshCrises();
  await selectVersion(version.version);
  $('history-heading').focus();
}
