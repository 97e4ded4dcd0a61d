// jsdom does no layout: every element is 0 px tall, so a virtualizer would show nothing.
// These stubs give the two virtualized scrollers (the message log, and the box the
// "Conversations" list scrolls in) a viewport and each row a height, which is all the
// virtualizer reads (clientHeight of the scroller, offsetHeight of a measured row), and give
// elements the scrollTo jsdom lacks.
import { afterEach, beforeEach } from 'vitest';

export const VIEWPORT_HEIGHT = 600;
export const ROW_HEIGHT = 60;

function isVirtualScroller(element: HTMLElement): boolean {
  return (
    element.getAttribute('role') === 'log' ||
    element.firstElementChild?.getAttribute('aria-label') === 'Conversations'
  );
}

export function useFakeLayout(): void {
  const originals = new Map<string, PropertyDescriptor | undefined>();
  const stub = (name: string, get: (this: HTMLElement) => number) => {
    originals.set(name, Object.getOwnPropertyDescriptor(HTMLElement.prototype, name));
    Object.defineProperty(HTMLElement.prototype, name, { configurable: true, get });
  };
  beforeEach(() => {
    stub('clientHeight', function () {
      return isVirtualScroller(this) ? VIEWPORT_HEIGHT : 0;
    });
    stub('clientWidth', function () {
      return isVirtualScroller(this) ? 800 : 0;
    });
    stub('offsetHeight', function () {
      return this.hasAttribute('data-index') ? ROW_HEIGHT : 0;
    });
    stub('scrollHeight', function () {
      if (!isVirtualScroller(this)) return 0;
      const sizer = this.firstElementChild as HTMLElement | null;
      return Number.parseFloat(sizer?.style.height ?? '0') || 0;
    });
  });
  const originalScrollTo = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'scrollTo');
  beforeEach(() => {
    // jsdom has no Element.scrollTo; the browser's clamps to the scrollable range and fires
    // a scroll event, which is what the virtualizer listens to.
    Object.defineProperty(HTMLElement.prototype, 'scrollTo', {
      configurable: true,
      value(this: HTMLElement, options: ScrollToOptions) {
        const max = Math.max(0, this.scrollHeight - this.clientHeight);
        this.scrollTop = Math.min(max, Math.max(0, options.top ?? this.scrollTop));
        this.dispatchEvent(new Event('scroll'));
      },
    });
  });
  afterEach(() => {
    if (originalScrollTo)
      Object.defineProperty(HTMLElement.prototype, 'scrollTo', originalScrollTo);
    else Reflect.deleteProperty(HTMLElement.prototype, 'scrollTo');
    for (const [name, descriptor] of originals) {
      if (descriptor) Object.defineProperty(HTMLElement.prototype, name, descriptor);
      else Reflect.deleteProperty(HTMLElement.prototype, name);
    }
    originals.clear();
  });
}
