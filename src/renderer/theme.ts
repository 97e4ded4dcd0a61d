import { createTheme, type Theme } from '@mui/material/styles';

/** The bundled emoji font's family (declared in assets/fonts/twemoji/twemoji.css). */
const emojiFontFamily = "'Twemoji Mozilla'";

// One theme with a light and a dark scheme. The person picks System, Light or Dark in Settings
// (MUI's colour-scheme mode, kept on this device under `themeModeStorageKey`); System follows
// the OS (prefers-color-scheme), also when it changes while the app is open. The 'data'
// selector puts the applied scheme on <html data-parley-theme="light|dark">.
export const themeModeStorageKey = 'parley.theme';

export const theme = createTheme({
  cssVariables: { colorSchemeSelector: 'data-parley-theme' },
  colorSchemes: {
    light: {
      palette: {
        primary: { main: '#3949ab' },
        secondary: { main: '#ef6c00' },
        background: { default: '#f4f5fa', paper: '#ffffff' },
      },
    },
    dark: {
      palette: {
        primary: { main: '#8c9eff' },
        secondary: { main: '#ffb74d' },
        background: { default: '#101218', paper: '#181b24' },
      },
    },
  },
  shape: { borderRadius: 10 },
  // Keyboard focus is a 2px ring in the primary colour, 2px off the element, on everything built
  // on ButtonBase (buttons, icon buttons, conversation rows, menu items, checkboxes). MUI insets
  // it on clip-prone rows (ListItemButton, MenuItem, Tab) by itself; `insetFocusRing` below is
  // the same ring for our own focusable elements.
  focusVisible: true,
  // Emoji come from the bundled Twemoji font (assets/fonts/twemoji) when Roboto has no glyph, so
  // they draw on machines without an emoji font too.
  typography: { fontFamily: `Roboto, ${emojiFontFamily}, system-ui, sans-serif` },
  components: {
    // The screens fill the window; the message log scrolls inside it, never the page.
    MuiCssBaseline: { styleOverrides: { 'html, body, #root': { height: '100%' } } },
    MuiButton: { defaultProps: { disableElevation: true } },
  },
});

/**
 * The theme's keyboard focus ring for a focusable element MUI does not style (the message log),
 * drawn inside it, where a scroll container cannot clip it. For `sx`:
 * `(theme) => ({ '&:focus-visible': insetFocusRing(theme) })`.
 */
export function insetFocusRing(current: Theme) {
  return { ...current.focusVisible, outlineOffset: -2 };
}
