// A content file in and out: the import replaces the draft, the export downloads a version.

import { api, ApiError } from '../shared/api.js';
import { attempt, reportFailure } from '../shared/session.js';
import { $, el, showStatus } from '../shared/ui.js';
import { confirmAction } from './confirmDialog.js';
import { loadDraft } from './draft.js';
import { whileBusy } from './format.js';
import { crisisPath, state } from './state.js';
import { markClean, showWorkspace } from './workspace.js';

/** The server's request size limit (docs/studio-api.md, import). */
const MAX_IMPORT_BYTES = 256 * 1024;

export async function onImport(event) {
  event.preventDefault();
  // Read now: the event's currentTarget is gone once this handler awaits.
  const form = event.currentTarget;
  const file = $('import-file').files?.[0];
  if (!file) {
    showStatus('Choose a content file to import.', 'error');
    $('import-file').focus();
    return;
  }
  if (file.size > MAX_IMPORT_BYTES) {
    const kb = Math.round(file.size / 1024);
    showStatus(`“${file.name}” is ${kb} KB: the server takes content files up to 256 KB.`, 'error');
    return;
  }
  let content;
  try {
    content = JSON.parse(await file.text());
  } catch (error) {
    showStatus(`“${file.name}” is not a JSON file: ${error.message}`, 'error');
    return;
  }
  const { ok } = await confirmAction({
    title: 'Replace the draft?',
    text: `The draft of this crisis is replaced by “${file.name}”. Nothing goes live until you publish.`,
    ok: 'Replace the draft',
    danger: true,
  });
  if (!ok) return;
  await whileBusy(form, () => importContent(file.name, content));
}

async function importContent(fileName, content) {
  try {
    const result = await api('POST', crisisPath('/import'), content);
    markClean();
    state.loaded = null;
    showWorkspace('none');
    await loadDraft();
    const warnings = Array.isArray(result?.warnings) ? result.warnings.map(String) : [];
    showStatus(
      `Imported “${fileName}”: the draft is replaced. Check it, then publish.${warnings.length ? ' Warnings:' : ''}`,
      'info',
      warnings,
    );
    $('import-file').value = '';
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) {
      showStatus(`“${fileName}” was not imported; nothing changed. Problems:`, 'error', error.details);
    } else {
      reportFailure('The import', error);
    }
  }
}

export function renderExportChoices() {
  const live = state.versions.find((version) => version.live);
  $('export-version').replaceChildren(
    new Option(live ? `Live (version ${live.version})` : 'Live', ''),
    ...state.versions.map((version) => new Option(`Version ${version.version}`, String(version.version))),
  );
}

export async function onExport(event) {
  event.preventDefault();
  const version = $('export-version').value;
  const query = version ? `?version=${encodeURIComponent(version)}` : '';
  const content = await attempt('The export', () => api('GET', crisisPath(`/export${query}`)));
  if (!content) return;
  const live = state.versions.find((v) => v.live)?.version;
  const name = `${state.slug}-v${version || live || 'live'}.json`;
  const blob = new window.Blob([`${JSON.stringify(content, null, 2)}\n`], { type: 'application/json' });
  const url = window.URL.createObjectURL(blob);
  const link = el('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => window.URL.revokeObjectURL(url), 10_000);
  showStatus(`Downloaded ${name}.`);
}
