// Gutter icons in the configured colours: media/coverage's SVGs with their bar recoloured (pure).
import { createHash } from 'node:crypto';
import type { LineState } from '../../protocol/messages';

/** The first fill of each icon in media/coverage/ is its bar; the rest are highlights. */
const BAR_FILL = /fill="[^"]*"/;

/** An SVG attribute value: the setting is free text, and must not break out of its quotes. */
function attrValue(color: string): string {
  return color.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');
}

/** The icon with its bar in `color` (any CSS colour: browsers take rgba() in SVG fills). */
export function tintIcon(svg: string, color: string): string {
  if (!BAR_FILL.test(svg)) throw new Error('gutter icon template has no fill to recolour');
  return svg.replace(BAR_FILL, `fill="${attrValue(color.trim())}"`);
}

/** A file name per state and colour, so a colour's icon is written once and never goes stale. */
export function tintedIconName(state: LineState, color: string): string {
  const hash = createHash('sha1').update(color.trim()).digest('hex').slice(0, 12);
  return `${state}-${hash}.svg`;
}
