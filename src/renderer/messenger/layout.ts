/** The conversation list's width, shared by the messenger and its loading skeleton. */
export const SIDEBAR_WIDTH = 320;
