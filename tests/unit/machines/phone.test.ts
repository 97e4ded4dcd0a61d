import { describe, expect, it } from 'vitest';
import {
  applyPhoneEdit,
  countryFromLocale,
  formatPhone,
  isValidPhone,
  phoneFieldText,
  readPhoneText,
  toE164,
  type CountryCode,
  type PhoneEntry,
} from '../../../machines/phone.ts';

interface Case {
  country: CountryCode;
  /** What the user types, non-digits included. */
  typed: string;
  shown: string;
  e164: string;
  pasted: string;
  pastedDigits: string;
  invalid: string;
}

const cases: Case[] = [
  {
    country: 'US',
    typed: '(415) 555-0132',
    shown: '415-555-0132',
    e164: '+14155550132',
    pasted: '+1 (415) 555-0132',
    pastedDigits: '4155550132',
    invalid: '1234567890',
  },
  {
    country: 'GB',
    typed: '020 7946 0958',
    shown: '020-7946-0958',
    e164: '+442079460958',
    pasted: '+44 20 7946 0958',
    pastedDigits: '2079460958',
    invalid: '0200000',
  },
  {
    country: 'DE',
    typed: '030 123456',
    shown: '030-123456',
    e164: '+4930123456',
    pasted: '+49 30 123456',
    pastedDigits: '30123456',
    invalid: '0301',
  },
  {
    country: 'IN',
    typed: '98765 43210',
    shown: '98765-43210',
    e164: '+919876543210',
    pasted: '+91 98765 43210',
    pastedDigits: '9876543210',
    invalid: '98765',
  },
  {
    country: 'BR',
    typed: '(11) 98765-4321',
    shown: '11-98765-4321',
    e164: '+5511987654321',
    pasted: '+55 11 98765-4321',
    pastedDigits: '11987654321',
    invalid: '1198765',
  },
  {
    country: 'JP',
    typed: '03-1234-5678',
    shown: '03-1234-5678',
    e164: '+81312345678',
    pasted: '+81 3-1234-5678',
    pastedDigits: '312345678',
    invalid: '0312',
  },
];

const empty = (country: CountryCode) => ({ country, digits: '' });

describe.each(cases)('$country', (c) => {
  it('filters non-digits as typed and groups them with hyphens', () => {
    let entry = empty(c.country);
    // One keystroke at a time, as a user types (each time the field shows the formatted text).
    for (const char of c.typed)
      entry = applyPhoneEdit(entry, formatPhone(c.country, entry.digits) + char);
    expect(formatPhone(entry.country, entry.digits)).toBe(c.shown);
    expect(toE164(entry.country, entry.digits)).toBe(c.e164);
  });

  it('pasting the international number switches to the country and keeps its digits', () => {
    const other: CountryCode = c.country === 'US' ? 'GB' : 'US';
    const entry = readPhoneText(c.pasted, other);
    expect(entry).toEqual({ country: c.country, digits: c.pastedDigits });
    expect(toE164(entry.country, entry.digits)).toBe(c.e164);
    expect(formatPhone(entry.country, entry.digits)).toMatch(/^\d+(-\d+)+$/);
  });

  it('typing the international number key by key switches to the country and keeps its digits', () => {
    const other: CountryCode = c.country === 'US' ? 'GB' : 'US';
    let entry: PhoneEntry = empty(other);
    // Each keystroke adds to what the field shows, "+" included until the country is known.
    for (const char of c.pasted) entry = applyPhoneEdit(entry, phoneFieldText(entry) + char);
    expect(entry).toEqual({ country: c.country, digits: c.pastedDigits });
    expect(toE164(entry.country, entry.digits)).toBe(c.e164);
  });

  it('backspace on a hyphen removes the digit before it', () => {
    const digits = c.shown.replace(/-/g, '');
    const hyphen = c.shown.indexOf('-');
    const withoutHyphen = c.shown.slice(0, hyphen) + c.shown.slice(hyphen + 1);
    const entry = applyPhoneEdit({ country: c.country, digits }, withoutHyphen);
    expect(entry.digits).toBe(digits.slice(0, hyphen - 1) + digits.slice(hyphen));
  });

  it('an invalid number cannot be submitted', () => {
    expect(isValidPhone(c.country, c.invalid)).toBe(false);
    expect(toE164(c.country, c.invalid)).toBeNull();
    expect(isValidPhone(c.country, '')).toBe(false);
  });
});

describe('phone helpers', () => {
  it('takes the default country from the locale, falling back to US', () => {
    expect(countryFromLocale('en-GB')).toBe('GB');
    expect(countryFromLocale('de')).toBe('DE');
    expect(countryFromLocale('ja-JP')).toBe('JP');
    expect(countryFromLocale('not a locale')).toBe('US');
  });

  it('letters and symbols never reach the digits', () => {
    expect(applyPhoneEdit(empty('US'), 'abc415!!555')).toEqual({ country: 'US', digits: '415555' });
  });

  it('a typed "+" stays in the field until the digits tell the country', () => {
    expect(applyPhoneEdit(empty('US'), '+')).toEqual({
      country: 'US',
      digits: '',
      international: '+',
    });
    expect(applyPhoneEdit(empty('US'), '+44 20')).toEqual({
      country: 'US',
      digits: '',
      international: '+44 20',
    });
    expect(applyPhoneEdit(empty('US'), '+33')).toEqual({ country: 'FR', digits: '' });
  });

  it('a typed "+" starts an international number', () => {
    expect(applyPhoneEdit(empty('US'), '+44 20 7946 0958')).toEqual({
      country: 'GB',
      digits: '2079460958',
    });
  });
});
