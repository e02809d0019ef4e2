// The studio's preview: what the bot would answer from the saved draft (POST /preview).

import { api } from '../shared/api.js';
import { attempt } from '../shared/session.js';
import { languageName } from '../shared/languages.js';
import { $, button, el, submitOnEnter } from '../shared/ui.js';
import { percent, whileBusy } from './format.js';

const DECISIONS = {
  answer: 'Answers with this entry',
  clarify: 'Asks the citizen to choose between entries',
  none: 'Has no answer (offers other help)',
};

async function onPreview(event, { previewPath, questionOf, openEntry }) {
  event.preventDefault();
  const text = $('preview-text').value.trim();
  if (!text) return;
  const lang = $('preview-lang').value;
  const form = event.currentTarget;
  const result = await whileBusy(form, () =>
    attempt('The preview', () => api('POST', previewPath(), { text, ...(lang ? { lang } : {}) })),
  );
  if (result) renderPreview(result, questionOf, openEntry);
}

function renderPreview(result, questionOf, openEntry) {
  const box = $('preview-result');
  box.dataset.decision = result.decision ?? '';
  box.dataset.faqId = result.faqId ?? '';
  const facts = el('dl', 'facts');
  const fact = (name, value) => facts.append(el('dt', '', name), el('dd', '', value));
  fact('Decision', DECISIONS[result.decision] ?? result.decision ?? '—');
  const question = result.faqId ? questionOf(result.faqId, result.lang) : undefined;
  if (result.faqId) {
    const dd = el('dd', 'preview-entry');
    dd.append(el('strong', 'preview-faq-id', result.faqId));
    if (question !== undefined) dd.append(el('span', 'hint', ` ${question}`));
    facts.append(el('dt', '', 'Entry'), dd);
  }
  if (result.confidence !== undefined) fact('Confidence', percent(result.confidence));
  fact('Language', languageName(result.lang));
  const parts = [facts];
  if (result.answer) {
    parts.push(
      el('p', 'preview-label', 'The bot would answer:'),
      el('blockquote', 'preview-answer', result.answer),
    );
  }
  if (question !== undefined) {
    parts.push(button('Open this entry', 'secondary', () => openEntry(result.faqId)));
  }
  const candidates = (result.candidates ?? []).filter(
    (c) => c.faqId !== result.faqId || result.decision !== 'answer',
  );
  if (candidates.length > 0) {
    parts.push(
      el('p', 'preview-label', result.decision === 'clarify' ? 'It would offer:' : 'Closest entries:'),
    );
    const list = el('ul', 'candidates');
    list.append(
      ...candidates.map((c) =>
        el('li', '', `${c.question ?? c.faqId} (${c.faqId}) · ${percent(c.confidence)}`),
      ),
    );
    parts.push(list);
  }
  box.replaceChildren(...parts);
  box.hidden = false;
}

/**
 * Wires the preview form. `previewPath()` is the chosen crisis's route, `questionOf(id, lang)` an
 * entry's question in the draft (undefined when the draft has no such entry).
 */
export function wirePreview(context) {
  $('preview-form').addEventListener('submit', (event) => onPreview(event, context));
  submitOnEnter($('preview-text'), $('preview-form'));
  return {
    renderLanguages(languages) {
      $('preview-lang').replaceChildren(
        new Option('Detect', ''),
        ...languages.map((lang) => new Option(languageName(lang), lang)),
      );
    },
  };
}
