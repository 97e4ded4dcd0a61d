// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { Avatar } from '../../../../src/renderer/components/Avatar.tsx';
import { ServerOriginContext } from '../../../../src/renderer/components/ServerOrigin.tsx';
import {
  avatarAssetUrl,
  bundledAvatarKeys,
} from '../../../../src/renderer/components/avatarAssets.ts';

afterEach(cleanup);

const hash = 'b'.repeat(64);

describe('Avatar', () => {
  it('shows an uploaded picture from the chat server’s origin, over the bundled asset', () => {
    render(
      <ServerOriginContext value="http://127.0.0.1:4321">
        <Avatar
          user={{
            firstName: 'Bulma',
            lastName: 'Brief',
            avatar: {
              initials: 'BB',
              color: '#3949ab',
              asset: 'bulma',
              image: `/avatars/u-b/${hash}`,
            },
          }}
        />
      </ServerOriginContext>,
    );
    const picture = screen.getByRole('img', { name: 'Bulma Brief' });
    expect(picture.getAttribute('src')).toBe(`http://127.0.0.1:4321/avatars/u-b/${hash}`);
  });

  it('never loads a picture from another host, whatever the path says', () => {
    render(
      <ServerOriginContext value="http://127.0.0.1:4321">
        <Avatar
          user={{
            firstName: 'Ann',
            lastName: 'Lee',
            avatar: { initials: 'AL', color: '#123456', image: '//evil.example/a.png' },
          }}
        />
      </ServerOriginContext>,
    );
    const badge = screen.getByRole('img', { name: 'Ann Lee' });
    expect(badge.tagName).not.toBe('IMG');
    expect(badge.textContent).toBe('AL');
  });

  it('shows the bundled picture named by the asset key, with the full name as alt text', () => {
    render(
      <Avatar
        user={{
          firstName: 'Vegeta',
          lastName: 'Prince',
          avatar: { initials: 'VP', color: '#3949ab', asset: 'vegeta' },
        }}
      />,
    );
    const picture = screen.getByRole('img', { name: 'Vegeta Prince' });
    expect(picture.tagName).toBe('IMG');
    expect(picture.getAttribute('src')).toBe(avatarAssetUrl('vegeta'));
    expect(avatarAssetUrl('vegeta')).not.toBe(avatarAssetUrl('goku'));
  });

  it('falls back to initials on the person’s colour when no picture ships for the key', () => {
    render(
      <Avatar
        size={32}
        user={{
          firstName: 'Ann',
          lastName: 'Lee',
          avatar: { initials: 'AL', color: '#123456', asset: 'nobody' },
        }}
      />,
    );
    const badge = screen.getByRole('img', { name: 'Ann Lee' });
    expect(badge.textContent).toBe('AL');
    expect(getComputedStyle(badge).backgroundColor).toBe('rgb(18, 52, 86)');
    expect(getComputedStyle(badge).width).toBe('32px');
  });

  it('derives initials from the name when the server sends none', () => {
    render(
      <Avatar
        user={{ firstName: 'zoë', lastName: 'ng', avatar: { initials: '', color: '#000000' } }}
      />,
    );
    expect(screen.getByRole('img', { name: 'zoë ng' }).textContent).toBe('ZN');
  });

  it('bundles a picture for each seeded character', () => {
    expect(bundledAvatarKeys()).toEqual(expect.arrayContaining(['vegeta', 'goku', 'bulma']));
  });
});
