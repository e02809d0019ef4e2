/**
 * The event a chat page sends when the citizen picks a language (`value`: fr, nl, de or en): the
 * bot switches to it at once, where a locale on messages is only a hint for short ones.
 */
export const LANGUAGE_EVENT = 'crisis.language';
