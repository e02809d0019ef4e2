import { findPhoneNumbersInText } from 'libphonenumber-js';

/** What replaces each kind of personal number: language-neutral, so every communicator reads it. */
export const MASKS = {
  email: '[e-mail]',
  iban: '[IBAN]',
  nationalNumber: '[national number]',
  phone: '[phone]',
  number: '[number]',
} as const;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
/** Two letters, two check digits, then 11 to 30 letters or digits, in groups of four or not. */
const IBAN = /\b[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}(?:[ -]?[A-Z0-9]{1,3})?\b/gi;
/** Belgian national register number: YY.MM.DD-SSS.CC, with or without its separators. */
const NATIONAL_NUMBER = /\b\d{2}[./ ]?\d{2}[./ ]?\d{2}[- ]?\d{3}[./ ]?\d{2}\b/g;
/**
 * A long run of digits libphonenumber did not take for a valid number (a mistyped phone number,
 * a card or an account number): nine digits or more, separators allowed. Dates and times keep.
 */
const LONG_NUMBER = /(?:\+|\b)\d(?:[ ./-]?\d){8,}\b/g;

/**
 * The message with personal numbers and addresses replaced, before it is stored for the
 * communicators: phone numbers (any country's, Belgian without a prefix), e-mail addresses,
 * IBANs and Belgian national register numbers.
 */
export function maskPersonalData(text: string): string {
  let masked = text
    .replace(EMAIL, MASKS.email)
    .replace(IBAN, MASKS.iban)
    .replace(NATIONAL_NUMBER, MASKS.nationalNumber);
  // Right to left, so that the offsets found stay valid while replacing.
  for (const found of findPhoneNumbersInText(masked, { defaultCountry: 'BE' }).reverse()) {
    masked = masked.slice(0, found.startsAt) + MASKS.phone + masked.slice(found.endsAt);
  }
  return masked.replace(LONG_NUMBER, MASKS.number);
}
