// The citizen chat page: Web Chat (window.WebChat, loaded before this module) on the bot's own
// Direct Line endpoint, or Azure's when the server is configured for it.

const LANGUAGES = ['fr', 'nl', 'de', 'en'];
/** Web Chat's own strings (send box, buttons, announcements) follow these locales. */
const WEB_CHAT_LOCALES = { fr: 'fr-FR', nl: 'nl-NL', de: 'de-DE', en: 'en-US' };
/** The event the bot switches language on (channels/clientEvents.ts). */
const LANGUAGE_EVENT = 'crisis.language';

const TEXTS = {
  fr: {
    service: 'Information de crise',
    exercise: 'EXERCICE',
    exerciseNote: "Ceci est un exercice : ce service n'est pas réel.",
    info: "Numéro d'information",
    language: 'Langue',
    conversation: "Conversation avec le service d'information",
    unavailable: "Le chat ne peut pas démarrer pour l'instant. Réessayez dans un moment.",
    busy: 'Trop de conversations commencent depuis votre connexion. Réessayez dans une minute.',
    call: 'Vous pouvez aussi appeler le {number}.',
  },
  nl: {
    service: 'Crisisinformatie',
    exercise: 'OEFENING',
    exerciseNote: 'Dit is een oefening: deze dienst is niet echt.',
    info: 'Infonummer',
    language: 'Taal',
    conversation: 'Gesprek met de informatiedienst',
    unavailable: 'De chat kan nu niet starten. Probeer het over een ogenblik opnieuw.',
    busy: 'Er starten te veel gesprekken vanaf uw verbinding. Probeer het over een minuut opnieuw.',
    call: 'U kunt ook {number} bellen.',
  },
  de: {
    service: 'Krisen­information',
    exercise: 'ÜBUNG',
    exerciseNote: 'Dies ist eine Übung: dieser Dienst ist nicht echt.',
    info: 'Infonummer',
    language: 'Sprache',
    conversation: 'Gespräch mit dem Informationsdienst',
    unavailable: 'Der Chat kann gerade nicht starten. Bitte versuchen Sie es gleich noch einmal.',
    busy: 'Von Ihrer Verbindung starten zu viele Gespräche. Bitte versuchen Sie es in einer Minute noch einmal.',
    call: 'Sie können auch {number} anrufen.',
  },
  en: {
    service: 'Crisis information',
    exercise: 'EXERCISE',
    exerciseNote: 'This is an exercise: this service is not real.',
    info: 'Information line',
    language: 'Language',
    conversation: 'Conversation with the information service',
    unavailable: 'The chat cannot start right now. Please try again in a moment.',
    busy: 'Too many conversations are starting from your connection. Please try again in a minute.',
    call: 'You can also call {number}.',
  },
};

/** Legible on white (AA contrast), one accent, the citizen's own messages in the accent. */
const STYLE_OPTIONS = {
  accent: '#1a5fb4',
  primaryFont: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  fontSizeSmall: '80%',
  bubbleBackground: '#f4f6f9',
  bubbleBorderColor: '#c9d0da',
  bubbleBorderWidth: 1,
  bubbleBorderRadius: 8,
  bubbleFromUserBackground: '#1a5fb4',
  bubbleFromUserTextColor: '#ffffff',
  bubbleFromUserBorderColor: '#1a5fb4',
  bubbleFromUserBorderRadius: 8,
  subtle: '#4a5363',
  suggestedActionLayout: 'flow',
  suggestedActionBorderRadius: 6,
  suggestedActionHeight: 44,
  sendBoxHeight: 48,
  hideUploadButton: true,
  transcriptVisualKeyboardIndicatorColor: '#f5a623',
  transcriptVisualKeyboardIndicatorWidth: 3,
};

const $ = (id) => document.getElementById(id);
const params = new window.URLSearchParams(window.location.search);
const requestedCrisis = /^[a-z0-9-]{3,64}$/.test(params.get('crisis') ?? '')
  ? params.get('crisis')
  : undefined;

/** The browser's first language the crisis is published in, else the crisis's first. */
function initialLanguage(offered) {
  const { languages, language } = window.navigator;
  for (const tag of languages ?? [language]) {
    const lang = String(tag).slice(0, 2).toLowerCase();
    if (offered.includes(lang)) return lang;
  }
  return offered[0];
}

async function readJson(url, init) {
  const res = await fetch(url, init);
  const body = await res.json().catch(() => ({}));
  return { status: res.status, body };
}

function localized(texts, lang) {
  return texts[lang] ?? Object.values(texts)[0];
}

function showPage(lang, crisis) {
  const t = TEXTS[lang];
  document.documentElement.lang = lang;
  $('service-name').textContent = t.service;
  const title = crisis ? localized(crisis.title, lang) : t.service;
  $('crisis-title').textContent = title;
  document.title = crisis ? `${title} · ${t.service}` : t.service;
  $('language-label').textContent = t.language;
  $('chat-heading').textContent = t.conversation;
  $('info-line').hidden = !crisis;
  // An exercise says so in the header, in the page's language, like every reply of the bot.
  const exercise = Boolean(crisis?.exercise);
  $('exercise-banner').hidden = !exercise;
  document.body.classList.toggle('exercise', exercise);
  if (exercise) {
    $('exercise-marker').textContent = t.exercise;
    $('exercise-note').textContent = t.exerciseNote;
    document.title = `${t.exercise} · ${document.title}`;
  }
  if (crisis) {
    $('info-label').textContent = t.info;
    $('info-number').textContent = crisis.infoNumber;
    $('info-number').href = `tel:${crisis.infoNumber.replace(/[^+0-9]/g, '')}`;
  }
}

function showProblem(lang, crisis, key) {
  const t = TEXTS[lang];
  const status = $('status');
  status.textContent = crisis ? `${t[key]} ${t.call.replace('{number}', crisis.infoNumber)}` : t[key];
  status.hidden = false;
}

/** Adds the entry link's crisis to what the citizen sends, so the bot keeps the right crisis. */
function crisisMiddleware() {
  return () => (next) => (action) => {
    if (action.type !== 'DIRECT_LINE/POST_ACTIVITY' || !requestedCrisis) return next(action);
    const { activity } = action.payload;
    return next({
      ...action,
      payload: {
        ...action.payload,
        activity: { ...activity, channelData: { ...activity.channelData, crisis: requestedCrisis } },
      },
    });
  };
}

async function start() {
  const config = await readJson(`/chat/config${requestedCrisis ? `?crisis=${requestedCrisis}` : ''}`);
  const crisis = config.status === 200 ? config.body.crisis : null;
  const offered = crisis ? LANGUAGES.filter((l) => crisis.languages.includes(l)) : LANGUAGES;
  let lang = initialLanguage(offered);

  const picker = $('language');
  for (const option of [...picker.options]) if (!offered.includes(option.value)) option.remove();
  picker.value = lang;
  showPage(lang, crisis);

  const started = await readJson('/chat/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(requestedCrisis ? { crisis: requestedCrisis } : {}),
  });
  if (started.status !== 200) {
    showProblem(lang, crisis, started.status === 429 ? 'busy' : 'unavailable');
    return;
  }
  const { token, domain } = started.body;
  const directLine = window.WebChat.createDirectLine({
    token,
    domain: domain ?? new window.URL('/v3/directline', window.location.href).href,
    conversationStartProperties: { locale: WEB_CHAT_LOCALES[lang] },
  });
  const store = window.WebChat.createStore({}, crisisMiddleware());
  const render = () =>
    window.WebChat.renderWebChat(
      { directLine, store, locale: WEB_CHAT_LOCALES[lang], styleOptions: STYLE_OPTIONS },
      $('webchat'),
    );
  render();

  picker.addEventListener('change', () => {
    lang = picker.value;
    showPage(lang, crisis);
    render();
    store.dispatch({
      type: 'DIRECT_LINE/POST_ACTIVITY',
      meta: { method: 'keyboard' },
      payload: { activity: { type: 'event', name: LANGUAGE_EVENT, value: lang } },
    });
  });
}

start().catch(() =>
  showProblem(
    document.documentElement.lang in TEXTS ? document.documentElement.lang : 'fr',
    null,
    'unavailable',
  ),
);
