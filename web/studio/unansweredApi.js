// The unanswered inbox's routes (docs/studio-api.md, "Unanswered"), for the studio's tab.

import { api } from '../shared/api.js';

const base = (slug) => `/api/crises/${encodeURIComponent(slug)}/unanswered`;
const groupPath = (slug, id, action) => `${base(slug)}/groups/${encodeURIComponent(id)}/${action}`;

export const listGroups = (slug) => api('GET', base(slug));

export const attachToEntry = (slug, groupId, faqId, messageIds) =>
  api('POST', groupPath(slug, groupId, 'attach'), { faqId, messageIds });

export const createEntryFromGroup = (slug, groupId, entry) =>
  api('POST', groupPath(slug, groupId, 'entry'), entry);

export const dismissGroup = (slug, groupId) => api('POST', groupPath(slug, groupId, 'dismiss'), {});

/** Machine drafts of the languages a new entry lacks (only when the server has a language model). */
export const translateEntry = (slug, entry) =>
  api(
    'POST',
    `/api/crises/${encodeURIComponent(slug)}/draft/entries/${encodeURIComponent(entry.id)}/translate`,
    {
      revision: entry.revision,
    },
  );
