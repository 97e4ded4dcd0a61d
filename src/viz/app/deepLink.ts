// Deep links: the page's view in the URL's fragment
// (`#machine=session&mode=diff&ref=HEAD~1&state=session.connection.live`), so a link or a
// reload opens the same view: the machine, the mode, the git ref the diff compares with, and
// the state the reviewer is pointing at. Unknown machines and modes are ignored; a ref or a
// state that does not exist is reported by the page, not trusted.
export const modes = ['simulate', 'live', 'diff'] as const;
export type Mode = (typeof modes)[number];

export interface DeepLink {
  machine?: string;
  mode?: Mode;
  /** The git ref the diff mode compares with. */
  ref?: string;
  /** A state id to scroll to and outline. */
  state?: string;
}

/** The refs the server's diff endpoint takes (serve.ts), never an option. */
const refPattern = /^(?!-)[\w./~^@{}-]{1,200}$/;
const statePattern = /^[^\s]{1,300}$/;

export function readDeepLink(hash: string, machineNames: readonly string[]): DeepLink {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const machine = params.get('machine');
  const mode = params.get('mode');
  const ref = params.get('ref');
  const state = params.get('state');
  return {
    ...(machine !== null && machineNames.includes(machine) ? { machine } : {}),
    ...(mode !== null && (modes as readonly string[]).includes(mode) ? { mode: mode as Mode } : {}),
    ...(ref !== null && refPattern.test(ref) ? { ref } : {}),
    ...(state !== null && statePattern.test(state) ? { state } : {}),
  };
}

export function writeDeepLink(link: DeepLink & { machine: string; mode: Mode }): string {
  const params = new URLSearchParams({ machine: link.machine, mode: link.mode });
  if (link.ref) params.set('ref', link.ref);
  if (link.state) params.set('state', link.state);
  return `#${params.toString()}`;
}
