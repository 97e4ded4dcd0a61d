// The standalone .svg file of a statechart: the page's component rendered to static markup.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { StatechartSvg, type StatechartSvgProps } from '../components/StatechartSvg.ts';

export function statechartSvgFile(props: StatechartSvgProps): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderToStaticMarkup(createElement(StatechartSvg, props))}\n`;
}
