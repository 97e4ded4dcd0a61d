import MuiAvatar from '@mui/material/Avatar';
import type { Avatar as AvatarData, User } from '../../../server/protocol.ts';
import { avatarAssetUrl } from './avatarAssets.ts';
import { useServerUrl } from './ServerOrigin.tsx';

/** Anything with a name and an avatar: a protocol User, or a lighter shape in previews. */
export type AvatarPerson = User | Pick<User, 'avatar' | 'firstName' | 'lastName'>;

export interface AvatarProps {
  user: AvatarPerson;
  /** Diameter in px. */
  size?: number;
}

/**
 * A person's picture: the one they uploaded (from the chat server's origin), else the bundled
 * asset named by the server's key, else their initials on their colour. Named by the person's
 * full name either way.
 */
export function Avatar({ user, size = 40 }: AvatarProps) {
  const name = `${user.firstName} ${user.lastName}`.trim();
  const uploaded = useServerUrl(user.avatar.image);
  const src = uploaded ?? avatarAssetUrl(user.avatar.asset);
  const sx = { width: size, height: size, fontSize: Math.round(size * 0.4) };
  if (src !== undefined) {
    return <MuiAvatar src={src} alt={name} sx={sx} />;
  }
  return (
    <MuiAvatar
      role="img"
      aria-label={name}
      sx={{ ...sx, bgcolor: user.avatar.color, color: '#fff' }}
    >
      {initialsOf(user.avatar, user)}
    </MuiAvatar>
  );
}

function initialsOf(avatar: AvatarData, user: AvatarPerson): string {
  if (avatar.initials.length > 0) return avatar.initials;
  return `${[...user.firstName][0] ?? ''}${[...user.lastName][0] ?? ''}`.toUpperCase();
}
