import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * A phone number typed by a citizen, in E.164, if it is a valid number with its country code
 * (+ or 00): the bot serves several countries' citizens, so no default country is guessed.
 */
export function internationalPhone(text: string): string | undefined {
  if (!/^\s*(\+|00)/.test(text)) return undefined;
  const phone = parsePhoneNumberFromString(text.trim().replace(/^00/, '+'));
  return phone?.isValid() ? phone.number : undefined;
}
