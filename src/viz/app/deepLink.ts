// Deep links: the page's machine and mode in the URL's fragment (`#machine=session&mode=diff`),
// so a link or a reload opens the same view. Unknown machines and modes are ignored.
export const modes = ['simulate', 'live', 'diff'] as const;
export type Mode = (typeof modes)[number];

export interface DeepLink {
  machine?: string;
  mode?: Mode;
}

export function readDeepLink(hash: string, machineNames: readonly string[]): DeepLink {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const machine = params.get('machine');
  const mode = params.get('mode');
  return {
    ...(machine !== null && machineNames.includes(machine) ? { machine } : {}),
    ...(mode !== null && (modes as readonly string[]).includes(mode) ? { mode: mode as Mode } : {}),
  };
}

export function writeDeepLink(link: Required<DeepLink>): string {
  return `#${new URLSearchParams({ machine: link.machine, mode: link.mode }).toString()}`;
}
