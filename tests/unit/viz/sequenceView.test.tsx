// @vitest-environment jsdom
// The sequence view (src/viz/app/SequenceView.tsx): a figure of lifelines and messages, each
// message named "sender → target: event", the scrubbed-to one marked, a click picks a record.
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SequenceView } from '../../../src/viz/app/SequenceView.tsx';
import type { LiveRecord } from '../../../src/viz/app/useLiveRecords.ts';
import { addToActorTree, emptyActorTree } from '../../../src/viz/live/actorTree.ts';
import type { InspectionRecord } from '../../../src/viz/live/recordSchema.ts';

afterEach(cleanup);

function feed() {
  const base = { kind: 'snapshot', rootId: 'x:0', status: 'active', context: {}, at: 1 } as const;
  const specs: Omit<InspectionRecord, keyof typeof base>[] = [
    {
      machineId: 'app',
      sessionId: 'x:0',
      parentSessionId: null,
      sourceSessionId: null,
      value: 'running',
      event: { type: 'xstate.init' },
    },
    {
      machineId: 'conversation',
      sessionId: 'x:2',
      actorId: 'conversation.c1',
      parentSessionId: 'x:0',
      sourceSessionId: 'x:0',
      value: 'idle',
      event: { type: 'xstate.init' },
    },
    {
      machineId: 'conversation',
      sessionId: 'x:2',
      actorId: 'conversation.c1',
      parentSessionId: 'x:0',
      sourceSessionId: null,
      value: { open: 'sending' },
      event: { type: 'message.submitted' },
    },
  ];
  let tree = emptyActorTree;
  const records: LiveRecord[] = specs.map((spec, index) => {
    const record = { ...base, ...spec } as InspectionRecord;
    const added = addToActorTree(tree, record);
    tree = added.tree;
    return { ...record, seq: index + 1, actorKey: added.key };
  });
  return { records, tree };
}

describe('SequenceView', () => {
  it('draws lifelines labelled like the actor tree and one named item per message', () => {
    const { records, tree } = feed();
    render(<SequenceView records={records} tree={tree} highlightSeq={3} />);
    const figure = screen.getByRole('figure', { name: 'Sequence of events' });
    const lifelines = within(figure).getByRole('list', { name: 'Lifelines' });
    expect(
      within(lifelines)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['outside', 'app', 'conversation c1']);
    const messages = within(figure).getByRole('list', { name: 'Messages' });
    expect(
      within(messages)
        .getAllByRole('listitem')
        .map((li) => li.getAttribute('aria-label')),
    ).toEqual([
      'outside → app: xstate.init',
      'app → conversation c1: xstate.init',
      'outside → conversation c1: message.submitted',
    ]);
    const submitted = within(messages).getByRole('listitem', {
      name: 'outside → conversation c1: message.submitted',
    });
    expect(submitted.getAttribute('aria-current')).toBe('true');
    const description = document.getElementById(submitted.getAttribute('aria-describedby')!);
    expect(description?.textContent).toBe('now open.sending');
    expect(
      within(messages)
        .getByRole('listitem', { name: 'outside → app: xstate.init' })
        .getAttribute('aria-current'),
    ).toBeNull();
  });

  it('makes each message a button that picks its record when onPickRecord is given', () => {
    const { records, tree } = feed();
    const onPickRecord = vi.fn<(seq: number) => void>();
    render(
      <SequenceView records={records} tree={tree} highlightSeq={2} onPickRecord={onPickRecord} />,
    );
    const button = screen.getByRole('button', { name: 'app → conversation c1: xstate.init' });
    expect(button.getAttribute('aria-current')).toBe('true');
    fireEvent.click(
      screen.getByRole('button', { name: 'outside → conversation c1: message.submitted' }),
    );
    expect(onPickRecord).toHaveBeenCalledWith(3);
    expect(screen.getAllByRole('button')).toHaveLength(3);
  });

  it('says when there is nothing to draw, and how many earlier events it left out', () => {
    const { records, tree } = feed();
    const { rerender } = render(<SequenceView records={[]} tree={emptyActorTree} />);
    expect(screen.getByRole('figure', { name: 'Sequence of events' }).textContent).toBe(
      'No events yet.',
    );
    rerender(<SequenceView records={records} tree={tree} maxMessages={1} />);
    expect(screen.getByText('2 earlier events not shown')).toBeTruthy();
    expect(screen.getAllByRole('listitem', { name: /→/ })).toHaveLength(1);
  });
});
