/**
 * The conversation list's width, shared by the messenger and its loading skeleton: 320 px in a
 * wide window, shrinking with it down to 260 px so the conversation keeps most of the room.
 */
export const SIDEBAR_WIDTH = 'clamp(260px, 30%, 320px)';

/**
 * Narrower than this, one pane shows at a time (Telegram Desktop's single-column mode): the
 * list, or the open conversation with a Back button. At 720 px the two panes still leave the
 * conversation 460 px, room for a readable line.
 */
export const TWO_PANES_MIN_WIDTH = 720;

/** Matches while the window is too narrow for two panes. */
export const ONE_PANE_QUERY = `(max-width: ${TWO_PANES_MIN_WIDTH - 0.02}px)`;

/** Read by screen readers, not drawn. */
export const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;
