// Pure phone-number handling for the onboarding phone step: filtering, as-you-type grouping,
// pasted international numbers and validity. libphonenumber-js's "max" metadata is used so
// that "valid" means a number that can really exist, not merely one of the right length.
import {
  AsYouType,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
  type CountryCode,
} from 'libphonenumber-js/max';

export type { CountryCode };

/** The phone step's number: the chosen country and the national digits the user entered. */
export interface PhoneEntry {
  country: CountryCode;
  digits: string;
  /**
   * An international number being typed (`+44 20 79`) whose digits do not yet tell its
   * country: the field shows it as typed, "+" included, until they do; then the country
   * switches and the national digits are kept.
   */
  international?: string;
}

/** E.164 allows 15 digits after the country code; a trunk prefix may add a couple. */
export const maxPhoneDigits = 17;

const countries: ReadonlySet<string> = new Set(getCountries());

export function isSupportedCountry(value: unknown): value is CountryCode {
  return typeof value === 'string' && countries.has(value);
}

/** Every country the picker offers, with its calling code. */
export function supportedCountries(): { country: CountryCode; callingCode: string }[] {
  return getCountries().map((country) => ({
    country,
    callingCode: getCountryCallingCode(country),
  }));
}

export function callingCodeOf(country: CountryCode): string {
  return getCountryCallingCode(country);
}

/** The default country for a BCP 47 locale ("en-GB" -> GB, "de" -> DE), else the fallback. */
export function countryFromLocale(locale: string, fallback: CountryCode = 'US'): CountryCode {
  try {
    const region = new Intl.Locale(locale).maximize().region;
    return isSupportedCountry(region) ? region : fallback;
  } catch {
    return fallback;
  }
}

export function digitsOnly(text: string): string {
  return text.replace(/\D+/g, '');
}

function groupsOf(formatted: string): string[] {
  return formatted.split(/\D+/).filter((group) => group.length > 0);
}

/**
 * The digits grouped as libphonenumber-js formats them as you type, with hyphens between the
 * groups (`415-555-0132`). National formatting understands trunk prefixes ("020 7946 0958");
 * a number without one (as pasted from "+44 20 7946 0958") is grouped by its international
 * format instead, minus the calling code.
 */
export function formatPhone(country: CountryCode, digits: string): string {
  if (digits.length === 0) return '';
  const national = groupsOf(new AsYouType(country).input(digits));
  if (national.length > 1 || digits.length <= 3) return national.join('-');
  const callingCode = getCountryCallingCode(country);
  const international = groupsOf(new AsYouType().input(`+${callingCode}${digits}`));
  const [code, ...rest] = international;
  if (code === callingCode && rest.join('') === digits && rest.length > 1) return rest.join('-');
  return digits;
}

/** The E.164 form the server gets, or null while the number is not a real, valid number. */
export function toE164(country: CountryCode, digits: string): string | null {
  if (digits.length === 0) return null;
  const parsed = parsePhoneNumberFromString(digits, country);
  return parsed?.isValid() ? parsed.number : null;
}

export function isValidPhone(country: CountryCode, digits: string): boolean {
  return toE164(country, digits) !== null;
}

/**
 * Pasted (or typed) text. An international number (`+44 20 7946 0958`, `+1 (415) 555-0132`)
 * switches the country and keeps its national digits; anything else is the national number.
 */
export function readPhoneText(text: string, current: CountryCode): PhoneEntry {
  const trimmed = text.trim();
  if (!trimmed.startsWith('+')) {
    return { country: current, digits: digitsOnly(trimmed).slice(0, maxPhoneDigits) };
  }
  const allDigits = digitsOnly(trimmed);
  const typing = new AsYouType();
  typing.input(`+${allDigits}`);
  const country = typing.getCountry() ?? parsePhoneNumberFromString(`+${allDigits}`)?.country;
  if (country) {
    const national =
      typing.getNumber()?.nationalNumber ?? allDigits.slice(callingCodeOf(country).length);
    return { country, digits: String(national).slice(0, maxPhoneDigits) };
  }
  // An unknown or ambiguous calling code: keep the country when the code is its own.
  const ownCode = getCountryCallingCode(current);
  const digits = allDigits.startsWith(ownCode) ? allDigits.slice(ownCode.length) : allDigits;
  return { country: current, digits: digits.slice(0, maxPhoneDigits) };
}

/** What the phone field shows for an entry: the international number being typed, or the digits. */
export function phoneFieldText(entry: PhoneEntry): string {
  return entry.international ?? formatPhone(entry.country, entry.digits);
}

/**
 * Typed text that starts with "+", one keystroke at a time: the country as soon as the digits
 * tell it (`+33` is France; `+44` and `+1` are shared, so their national digits decide), the
 * text kept as typed until then.
 */
function readInternationalTyping(text: string, current: CountryCode): PhoneEntry {
  const allDigits = digitsOnly(text).slice(0, maxPhoneDigits + 3);
  const typing = new AsYouType();
  const shown = typing.input(`+${allDigits}`);
  const country = typing.getCountry();
  if (!country) return { country: current, digits: '', international: shown };
  const national = typing.getNumber()?.nationalNumber ?? '';
  return { country, digits: String(national).slice(0, maxPhoneDigits) };
}

/**
 * The field's new text after a keystroke, given what it showed before. Non-digits are dropped;
 * deleting one of the inserted hyphens (backspace) removes the digit before it, as the user
 * means, instead of the hyphen reappearing at once.
 */
export function applyPhoneEdit(previous: PhoneEntry, nextText: string): PhoneEntry {
  if (nextText.trim().startsWith('+')) return readInternationalTyping(nextText, previous.country);
  const shown = formatPhone(previous.country, previous.digits);
  const nextDigits = digitsOnly(nextText);
  if (nextDigits === previous.digits && nextText.length === shown.length - 1) {
    let index = 0;
    while (index < nextText.length && nextText[index] === shown[index]) index += 1;
    if (shown[index] === '-') {
      const digitsBefore = digitsOnly(shown.slice(0, index)).length;
      if (digitsBefore > 0) {
        const digits =
          previous.digits.slice(0, digitsBefore - 1) + previous.digits.slice(digitsBefore);
        return { country: previous.country, digits };
      }
    }
  }
  return { country: previous.country, digits: nextDigits.slice(0, maxPhoneDigits) };
}
