// The live feed as the page keeps it: each actor's latest records and the actor tree.
import { useEffect, useState } from 'react';
import { addToActorTree, emptyActorTree, type ActorTree } from '../live/actorTree.ts';
import { appendToHistory, emptyHistory, type ActorHistory } from '../live/history.ts';
import { startLiveFeed, type FeedStatus } from '../live/liveFeed.ts';
import type { InspectionRecord } from '../live/recordSchema.ts';
import type { LiveApp } from './api.ts';

/** A record as the page keeps it: numbered, and tagged with its actor's key in the tree. */
export type LiveRecord = InspectionRecord & { seq: number; actorKey: string };

/**
 * The latest records of each actor (live/history.ts) and the actor tree. The tree keeps each
 * actor's latest state however long ago its last record fell out of the kept ones.
 */
export function useLiveRecords(app: LiveApp | null | undefined) {
  const [feed, setFeed] = useState<{ history: ActorHistory<LiveRecord>; tree: ActorTree }>({
    history: emptyHistory,
    tree: emptyActorTree,
  });
  const [statuses, setStatuses] = useState<FeedStatus[]>([]);
  useEffect(() => {
    if (app === undefined) return;
    let seq = 0;
    return startLiveFeed({
      app,
      onRecord: (record) => {
        const recordSeq = seq++;
        setFeed((previous) => {
          const added = addToActorTree(previous.tree, record);
          return {
            tree: added.tree,
            history: appendToHistory(previous.history, added.key, {
              ...record,
              seq: recordSeq,
              actorKey: added.key,
            }),
          };
        });
      },
      onStatus: (status) =>
        setStatuses((previous) => [...previous.filter((s) => s.source !== status.source), status]),
    });
  }, [app]);
  return { history: feed.history, tree: feed.tree, statuses };
}
