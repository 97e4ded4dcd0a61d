import { supportedCountries, type CountryCode } from '../../../machines/phone.ts';

export interface CountryOption {
  country: CountryCode;
  callingCode: string;
  /** The country's name in the user's language. */
  name: string;
  /** The flag emoji, or the ISO code where the system draws no flag glyphs. */
  flag: string;
}

/** The flag emoji of an ISO 3166 code: two regional-indicator letters. */
export function flagOf(country: string): string {
  return String.fromCodePoint(
    ...[...country.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65),
  );
}

/** Every country libphonenumber-js knows, named in `locale`, sorted by name. */
export function countryOptions(locale: string, withFlagEmoji = true): CountryOption[] {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([locale, 'en'], { type: 'region' });
  } catch {
    names = null;
  }
  const collator = new Intl.Collator(locale);
  return supportedCountries()
    .map(({ country, callingCode }) => ({
      country,
      callingCode,
      name: names?.of(country) ?? country,
      flag: withFlagEmoji ? flagOf(country) : country,
    }))
    .sort((a, b) => collator.compare(a.name, b.name));
}

/** What the search box matches: name, ISO code and calling code ("uk", "GB", "+44", "44"). */
export function searchTextOf(option: CountryOption): string {
  return `${option.name} ${option.country} +${option.callingCode}`;
}
