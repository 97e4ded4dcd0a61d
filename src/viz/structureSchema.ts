// Validates machine structures received as JSON (the diff base from `npm run viz`'s server).
import { z } from 'zod';
import { inspectTokenMaxLength } from './live/recordSchema.ts';
import type { MachineStructure, StateStructure } from './structure.ts';

const StateStructureSchema: z.ZodType<StateStructure> = z.lazy(() =>
  z.object({
    id: z.string(),
    key: z.string(),
    type: z.enum(['atomic', 'compound', 'parallel', 'final', 'history']),
    initialId: z.string().optional(),
    history: z.enum(['shallow', 'deep']).optional(),
    historyTargetIds: z.array(z.string()).optional(),
    entry: z.array(z.string()),
    exit: z.array(z.string()),
    tags: z.array(z.string()),
    invoke: z.array(z.object({ id: z.string(), src: z.string() })),
    description: z.string().optional(),
    children: z.array(StateStructureSchema),
  }),
);

export const MachineStructureSchema: z.ZodType<MachineStructure> = z.object({
  id: z.string(),
  root: StateStructureSchema,
  transitions: z.array(
    z.object({
      id: z.string(),
      sourceId: z.string(),
      eventType: z.string(),
      kind: z.enum([
        'event',
        'always',
        'after',
        'done.actor',
        'error.actor',
        'done.state',
        'wildcard',
      ]),
      label: z.string(),
      guard: z.string().optional(),
      delay: z.string().optional(),
      invokeId: z.string().optional(),
      targetIds: z.array(z.string()),
      reenter: z.boolean(),
      actions: z.array(z.string()),
    }),
  ),
});

/** `GET /api/diff?ref=`: the registry's machines at a ref. */
export const DiffBaseSchema = z.object({
  ref: z.string(),
  commit: z.string(),
  machines: z.array(z.object({ name: z.string(), structure: MachineStructureSchema })),
});
export type DiffBase = z.infer<typeof DiffBaseSchema>;

/** coverage/model-coverage.json, as `npm run test:model` writes it (extra fields allowed). */
export const ModelCoverageSchema = z.looseObject({
  machines: z.array(
    z.looseObject({
      name: z.string(),
      coveredTransitionIds: z.array(z.string()),
      uncoveredTransitionIds: z.array(z.string()),
    }),
  ),
});
export type ModelCoverage = z.infer<typeof ModelCoverageSchema>;

/**
 * `GET /api/config`: what `npm run viz` was started with: the web app to follow live and the
 * chat server's inspector token its `/inspect` relay asks for (both null, or both set).
 */
export const VizConfigSchema = z.object({
  appUrl: z.string().nullable(),
  inspectToken: z.string().min(1).max(inspectTokenMaxLength).nullable(),
});
