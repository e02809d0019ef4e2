// The studio's state: the chosen crisis, its draft as last read, and what the workspace shows;
// with the lookups into the draft and the API paths of the chosen crisis (docs/studio-api.md).

import { ApiError } from '../shared/api.js';

/** Bounds of docs/content-format.md, so the form refuses what the server would. */
export const LIMITS = {
  question: 300,
  alternative: 300,
  answer: 4000,
  linkLabel: 200,
  links: 10,
  title: 200,
  summary: 2000,
};

/** The state of a signed-out studio. */
const signedOut = () => ({
  user: null,
  crises: [],
  slug: null,
  /** `{crisis, entries, changed}` of the chosen crisis. */
  draft: null,
  versions: [],
  /** What the workspace shows: 'none', 'entry', 'new', 'crisis', 'history' or 'unanswered'. */
  view: 'none',
  /** The entry open in the editor, as last read from the server (its revision is what a save sends). */
  loaded: null,
  dirty: false,
  /** The other person's entry (or crisis details) after a 409. */
  conflict: null,
  crisisConflict: null,
  selectedVersion: null,
});

// linkCounter numbers the link rows' ids for the page's whole life, across sign-ins.
export const state = { ...signedOut(), linkCounter: 0 };

export function resetState() {
  Object.assign(state, signedOut());
}

export const crisisPath = (suffix = '') => `/api/crises/${encodeURIComponent(state.slug)}${suffix}`;
export const entryPath = (id) => crisisPath(`/draft/entries/${encodeURIComponent(id)}`);

export const crisisLangs = () => state.draft?.crisis.languages ?? [];

/** The language lists are shown in: the user's first language the crisis has, else the crisis's first. */
export function displayLang() {
  const langs = crisisLangs();
  return state.user?.languages?.find((lang) => langs.includes(lang)) ?? langs[0] ?? 'en';
}

export function localized(texts, lang = displayLang()) {
  if (!texts) return '';
  return texts[lang] ?? Object.values(texts).find((text) => typeof text === 'string' && text) ?? '';
}

export function sortedEntries() {
  return [...(state.draft?.entries ?? [])].sort((a, b) => (a.order ?? 0) - (b.order ?? 0));
}

export function findEntry(id) {
  return state.draft?.entries.find((entry) => entry.id === id);
}

/** The 409 of a save or delete: `current` is what is stored now, null when someone deleted the entry. */
export function isConflict(error) {
  return error instanceof ApiError && error.status === 409 && 'current' in error.body;
}
