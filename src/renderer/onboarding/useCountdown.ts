import { useEffect, useReducer } from 'react';

/**
 * Whole seconds left until `deadline` (epoch ms), redrawn once a second. The deadline is machine
 * state; the tick only redraws the label, so it is UI-only state.
 */
export function useCountdown(deadline: number | null, now: () => number = Date.now): number {
  const [, redraw] = useReducer((tick: number) => tick + 1, 0);
  const seconds = deadline === null ? 0 : Math.max(0, Math.ceil((deadline - now()) / 1000));
  const running = seconds > 0;
  useEffect(() => {
    if (!running) return undefined;
    const timer = setInterval(redraw, 1000);
    return () => clearInterval(timer);
  }, [running]);
  return seconds;
}

/** `0:27`, `1:05`. */
export function formatCountdown(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}
