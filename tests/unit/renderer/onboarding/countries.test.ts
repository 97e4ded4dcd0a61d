import { describe, expect, it } from 'vitest';
import {
  countryOptions,
  flagOf,
  searchTextOf,
} from '../../../../src/renderer/onboarding/countries.ts';
import { formatCountdown } from '../../../../src/renderer/onboarding/useCountdown.ts';

describe('country options', () => {
  it('turns ISO codes into flag emoji', () => {
    expect(flagOf('GB')).toBe('🇬🇧');
    expect(flagOf('us')).toBe('🇺🇸');
  });

  it('names every country in the user’s language, sorted, with its calling code', () => {
    const options = countryOptions('en-US');
    const gb = options.find((option) => option.country === 'GB');
    expect(gb).toMatchObject({ name: 'United Kingdom', callingCode: '44', flag: '🇬🇧' });
    const names = options.map((option) => option.name);
    expect(names).toEqual([...names].sort(new Intl.Collator('en-US').compare));
    expect(countryOptions('de-DE').find((option) => option.country === 'DE')?.name).toBe(
      'Deutschland',
    );
  });

  it('shows the ISO code instead of a flag where the system has no flag glyphs', () => {
    expect(countryOptions('en-US', false).find((option) => option.country === 'JP')?.flag).toBe(
      'JP',
    );
  });

  it('is searchable by name, ISO code and calling code', () => {
    const japan = countryOptions('en-US').find((option) => option.country === 'JP')!;
    expect(searchTextOf(japan)).toContain('Japan');
    expect(searchTextOf(japan)).toContain('JP');
    expect(searchTextOf(japan)).toContain('+81');
  });
});

describe('resend countdown label', () => {
  it('reads as minutes and seconds', () => {
    expect(formatCountdown(30)).toBe('0:30');
    expect(formatCountdown(65)).toBe('1:05');
    expect(formatCountdown(0)).toBe('0:00');
  });
});
