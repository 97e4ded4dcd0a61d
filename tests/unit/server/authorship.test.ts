import { describe, expect, it } from 'vitest';
import { authorForSend } from '../../../server/authorship.ts';

describe('authorForSend', () => {
  it('alternates the person and the only bot of a DM', () => {
    const authors = [0, 1, 2, 3, 4, 5].map((index) => authorForSend('me', ['vegeta'], index));
    expect(authors).toEqual(['me', 'vegeta', 'me', 'vegeta', 'me', 'vegeta']);
  });

  it('rotates through several bots on their turns, in order', () => {
    const authors = [0, 1, 2, 3, 4, 5, 6, 7].map((index) =>
      authorForSend('me', ['goku', 'bulma', 'piccolo'], index),
    );
    expect(authors).toEqual(['me', 'goku', 'me', 'bulma', 'me', 'piccolo', 'me', 'goku']);
  });

  it('always answers the person when the conversation has no bots', () => {
    expect([0, 1, 2].map((index) => authorForSend('me', [], index))).toEqual(['me', 'me', 'me']);
  });
});
