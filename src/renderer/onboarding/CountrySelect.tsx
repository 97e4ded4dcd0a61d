import Autocomplete, { createFilterOptions } from '@mui/material/Autocomplete';
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import { useMemo } from 'react';
import { supportsFlagEmoji } from './flagSupport.ts';
import { countryOptions, searchTextOf, type CountryOption } from './countries.ts';

export interface CountrySelectProps {
  /** The machine's country (ISO 3166 alpha-2). */
  country: string;
  locale: string;
  disabled?: boolean;
  onChange: (country: string) => void;
}

const filterCountries = createFilterOptions<CountryOption>({ stringify: searchTextOf });

/** A searchable country picker ("Country"): flag, name and calling code per row. */
export function CountrySelect({ country, locale, disabled = false, onChange }: CountrySelectProps) {
  const options = useMemo(() => countryOptions(locale, supportsFlagEmoji()), [locale]);
  const selected = options.find((option) => option.country === country) ?? null;
  return (
    <Autocomplete
      options={options}
      value={selected}
      disabled={disabled}
      disableClearable={selected !== null}
      autoHighlight
      filterOptions={filterCountries}
      isOptionEqualToValue={(option, value) => option.country === value.country}
      getOptionLabel={(option) => `${option.flag} ${option.name} +${option.callingCode}`}
      onChange={(_event, option) => {
        if (option) onChange(option.country);
      }}
      renderOption={({ key, ...props }, option) => (
        <Box component="li" key={key} {...props} sx={{ gap: 1.5 }}>
          <span aria-hidden="true">{option.flag}</span>
          <Box component="span" sx={{ flex: 1 }}>
            {option.name}
          </Box>
          <Box component="span" sx={{ color: 'text.secondary' }}>
            +{option.callingCode}
          </Box>
        </Box>
      )}
      renderInput={(params) => <TextField {...params} label="Country" />}
    />
  );
}
