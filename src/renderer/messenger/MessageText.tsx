import Link from '@mui/material/Link';
import { useMemo } from 'react';
import { useOpenExternal } from '../components/ExternalLinks.tsx';
import { splitLinks } from './linkify.ts';

/**
 * A message's text with its web links as links. A click (or Enter on a focused link) never
 * navigates the app: the link opens outside it (the system browser in the desktop app).
 */
export function MessageText({ text, isOwn }: { text: string; isOwn: boolean }) {
  const openExternal = useOpenExternal();
  const parts = useMemo(() => splitLinks(text), [text]);
  return parts.map((part, index) =>
    part.kind === 'text' ? (
      part.text
    ) : (
      <Link
        // The parts of one text never reorder: the index is a stable key.
        key={index}
        href={part.url}
        target="_blank"
        rel="noopener noreferrer"
        color={isOwn ? 'inherit' : 'primary'}
        underline="always"
        onClick={(event) => {
          event.preventDefault();
          openExternal(part.url);
        }}
      >
        {part.text}
      </Link>
    ),
  );
}
