// The inspection record: one machine actor's snapshot after an event, as the app publishes it
// and the visualizer follows it. Depends on zod only, so the chat server's relay, the Electron
// renderer and the visualizer page all validate with the same schema.
import { z } from 'zod';

/** Generous bounds: records are capped by `toInspectionRecord`, this rejects abuse. */
export const inspectionRecordMaxBytes = 256 * 1024;

/**
 * What `toInspectionRecord` keeps a record under, in UTF-8 bytes of its JSON: well inside the
 * chat server's 64 KiB Socket.IO frame limit (a bigger frame would cut the publisher off).
 */
export const inspectionRecordTargetBytes = 48 * 1024;

const JsonValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.null(),
    z.boolean(),
    z.number(),
    z.string(),
    z.array(JsonValueSchema),
    z.record(z.string(), JsonValueSchema),
  ]),
);

/** XState state values: a key, or nested objects of keys for compound and parallel states. */
const StateValueSchema: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.record(z.string(), StateValueSchema)]),
);

/**
 * How deep a record's JSON may nest (arrays and objects). Contexts are a few levels deep; zod's
 * recursive schemas and JSON.stringify recurse per level, so a 4 KB record nested 5,000 deep
 * would exhaust the stack (a RangeError thrown out of a Socket.IO handler crashes the server).
 */
export const inspectionRecordMaxDepth = 64;

/**
 * Whether `value` nests arrays or objects deeper than `max`. Iterative, so no input exhausts
 * the stack; a cycle (possible over Electron's structured clone) counts as too deep.
 */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      pending.push([child, depth + 1]);
    }
  }
  return false;
}

/** Refuses input nested too deep before any recursive check runs on it. */
export const shallowEnough = z
  .unknown()
  .refine((value) => !nestsDeeperThan(value, inspectionRecordMaxDepth), {
    message: `nested deeper than ${inspectionRecordMaxDepth} levels`,
    abort: true,
  });

const RecordObjectSchema = z
  .object({
    kind: z.literal('snapshot'),
    /** Id of the machine (its root state id), matched against the registry's machines. */
    machineId: z.string().min(1).max(200),
    /** The actor's session id: distinguishes two actors of the same machine. */
    sessionId: z.string().min(1).max(200),
    /**
     * The actor's id among its parent's children (`session`, a conversation's id, a message's
     * client id); the root's is its session id. Absent from older publishers' records.
     */
    actorId: z.string().min(1).max(200).optional(),
    /**
     * The parent actor's session id, null for the system's root: the actor tree's edges.
     * Absent from older publishers' records.
     */
    parentSessionId: z.string().min(1).max(200).nullable().optional(),
    /**
     * Who sent the event: the sending actor's session id (a parent's `sendTo`, a child's done
     * or snapshot event, an actor's own delayed event), or null when it came from outside the
     * actor system (the UI's or a socket handler's `actor.send`). Absent when the publisher
     * does not know (older publishers, `xstate.stop`): a viewer reads that as outside too.
     */
    sourceSessionId: z.string().min(1).max(200).nullable().optional(),
    /** The root actor's id, so a viewer can group a system's actors. */
    rootId: z.string().max(200),
    status: z.enum(['active', 'done', 'error', 'stopped']),
    value: StateValueSchema,
    context: JsonValueSchema,
    event: z.looseObject({ type: z.string().min(1).max(500) }),
    /** Milliseconds since the epoch, on the publisher's clock. */
    at: z.number().int().nonnegative(),
  })
  .refine((record) => JSON.stringify(record).length <= inspectionRecordMaxBytes, {
    message: `record larger than ${inspectionRecordMaxBytes} bytes`,
  });

export const InspectionRecordSchema = shallowEnough.pipe(RecordObjectSchema);

export type InspectionRecord = z.infer<typeof InspectionRecordSchema> & {
  value: StateValue;
  event: { type: string; [key: string]: unknown };
};

export type StateValue = string | { [key: string]: StateValue };

/** Socket.IO events of the `/inspect` namespace. */
export const inspectEvents = {
  /** app -> relay, with an ack `{ ok: true } | { ok: false, error }`. */
  publish: 'inspect.publish',
  /** relay -> viewers. */
  record: 'inspect.record',
} as const;

/**
 * The URL fragment key that makes the web app publish its machines to the `/inspect` relay:
 * `#inspect=<inspector token>`. Off by default so normal use opens no extra socket and converts
 * nothing. A fragment, not a query: browsers send neither it to the server (no access log or
 * proxy sees the token) nor in a Referer.
 */
export const inspectFragmentKey = 'inspect';

/** Upper bound of the per-run inspector token's length (the chat server makes 43 base64url characters). */
export const inspectTokenMaxLength = 256;

/**
 * The address to open the web app at so that `npm run viz -- --app <appUrl> --inspect-token
 * <token>` sees it move: the app page presents the token to the relay too.
 */
export function inspectingAppUrl(appUrl: string, token: string): string {
  const url = new URL(appUrl);
  url.hash = new URLSearchParams({ [inspectFragmentKey]: token }).toString();
  return url.href;
}

/** The inspector token in a page address made by `inspectingAppUrl`, or null (not inspecting). */
export function inspectTokenFromUrl(href: string): string | null {
  const hash = URL.parse(href)?.hash.replace(/^#/, '') ?? '';
  const token = new URLSearchParams(hash).get(inspectFragmentKey);
  return token && token.length <= inspectTokenMaxLength ? token : null;
}

/**
 * Handshake `auth` of the `/inspect` namespace: which side of the relay a socket is, and the
 * per-run inspector token the chat server printed (`inspector token: …`).
 */
export const InspectAuthSchema = z.object({
  role: z.enum(['publisher', 'viewer']),
  token: z.string().min(1).max(inspectTokenMaxLength),
});
export type InspectRole = z.infer<typeof InspectAuthSchema>['role'];
