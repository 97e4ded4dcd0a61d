import { useCallback, useMemo, useState, type KeyboardEvent } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import type { OpenConversationView } from '../state/index.ts';
import { Composer } from './Composer.tsx';
import { ConversationHeader } from './ConversationHeader.tsx';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import { GroupInfoDialog } from './GroupInfoDialog.tsx';
import { MessageInfoDialog } from './MessageInfoDialog.tsx';
import { MessageLog } from './MessageLog.tsx';
import { createLogRowBuilder } from './logRows.ts';
import { ComposerBanner } from './ComposerBanner.tsx';
import { DeleteMessageDialog } from './DeleteMessageDialog.tsx';
import {
  canDeleteForEveryone,
  canEdit,
  MessageActionsProvider,
  type MessageActionHandlers,
} from './MessageActions.tsx';
import { replySnippet } from '../../../server/protocol.ts';

export interface ConversationViewProps {
  conversation: OpenConversationView;
  onDraftChange: (text: string) => void;
  onSend: () => void;
  onLoadOlder: () => void;
  /** Go to a message (a reply's original), by seq. */
  onJumpToMessage: (seq: number) => void;
  /** The log has scrolled to the message it was sent to. */
  onJumpShown: () => void;
  onRetryJump: () => void;
  onRetry: (clientMessageId: string) => void;
  /** Back to the list (the Back button, or Escape as in Telegram). */
  onClose: (conversationId: string) => void;
  /** The window shows one pane: the header has a Back to chats button. */
  showBack: boolean;
}

/**
 * One open conversation: who it is with, its messages, and the field to write the next one.
 * The parent keys it by conversation, so the log opens at the newest message of each.
 */
export function ConversationView({
  conversation,
  onDraftChange,
  onSend,
  onLoadOlder,
  onJumpToMessage,
  onJumpShown,
  onRetryJump,
  onRetry,
  onClose,
  showBack,
}: ConversationViewProps) {
  const { messages, usersById } = conversation;
  // One builder per open conversation (the parent keys this view by it): unchanged rows are
  // handed back as the same objects, so only the bubbles that changed render.
  const [buildRows] = useState(createLogRowBuilder);
  const { unreadFromSeq } = conversation;
  const [showingInfo, setShowingInfo] = useState(false);
  const showInfo = useCallback(() => setShowingInfo(true), []);
  const { id } = conversation;
  const close = useCallback(() => onClose(id), [onClose, id]);
  const atoms = useAppAtoms();
  const sendToReceiptList = useSetAtom(atoms.sendToReceiptListAtom);
  const mode = useAtomValue(atoms.composerModeAtom);
  const actionError = useAtomValue(atoms.messageActionErrorAtom);
  const sendToActions = useSetAtom(atoms.sendToMessageActionsAtom);
  const { now } = atoms;
  const { currentUserId } = conversation;
  const handlers = useMemo(
    (): MessageActionHandlers => ({
      reply: (message) => {
        if (message.id === null || message.seq === null) return;
        sendToActions({
          type: 'reply.started',
          conversationId: id,
          quote: {
            messageId: message.id,
            seq: message.seq,
            authorId: message.authorId,
            snippet: replySnippet(message.text),
            deleted: false,
          },
        });
      },
      edit: (message) => {
        if (message.id === null || message.seq === null) return;
        sendToActions({
          type: 'edit.started',
          conversationId: id,
          messageId: message.id,
          seq: message.seq,
          text: message.text,
        });
      },
      delete: (message) => {
        if (message.id === null) return;
        sendToActions({
          type: 'delete.started',
          conversationId: id,
          messageId: message.id,
          forEveryone: canDeleteForEveryone(message, now()),
        });
      },
      react: (message, emoji) => {
        if (message.id === null) return;
        sendToActions({
          type: 'reaction.chosen',
          conversationId: id,
          messageId: message.id,
          emoji,
        });
      },
      currentUserId,
      now,
    }),
    [sendToActions, id, currentUserId, now],
  );
  // Up in the empty composer edits the user's last message that may still be edited.
  // Not while the last one is still on its way (it has no id to edit yet).
  const editLast = () => {
    const last = messages.findLast((message) => message.isOwn && !message.deleted);
    if (last && canEdit(last, now())) handlers.edit(last);
  };
  const focusKey =
    mode.kind === 'replying'
      ? `reply:${mode.quote.messageId}`
      : mode.kind === 'editing'
        ? `edit:${mode.messageId}`
        : 'plain';
  const cancelMode = () => sendToActions({ type: 'composer.cancelled' });
  const showMessageInfo = useCallback(
    (seq: number) => sendToReceiptList({ type: 'receiptList.opened', conversationId: id, seq }),
    [sendToReceiptList, id],
  );
  // Escape anywhere in the conversation closes it, as in Telegram. A dialog opened from here
  // (group info) swallows its own Escape; an IME uses Escape to cancel what it composes.
  const closeOnEscape = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key !== 'Escape' || event.defaultPrevented || event.nativeEvent.isComposing) return;
    event.preventDefault();
    // A reply or an edit in progress is what Escape gives up first.
    if (mode.kind !== 'plain') cancelMode();
    else close();
  };
  const rows = useMemo(
    () => buildRows(messages, usersById, unreadFromSeq, conversation.currentUserId),
    [buildRows, messages, usersById, unreadFromSeq, conversation.currentUserId],
  );
  return (
    <Box
      component="section"
      aria-label={conversation.title}
      onKeyDown={closeOnEscape}
      sx={{ display: 'flex', flexDirection: 'column', height: '100%', minWidth: 0 }}
    >
      <ConversationHeader
        title={conversation.title}
        avatar={conversation.avatar}
        typingText={conversation.typingText}
        // A DM's title already names the one other member.
        membersText={conversation.kind === 'direct' ? 'Direct message' : conversation.membersText}
        {...(conversation.kind === 'group' ? { onShowInfo: showInfo } : {})}
        {...(showBack ? { onBack: close } : {})}
      />
      {conversation.kind === 'group' && (
        <>
          <GroupInfoDialog open={showingInfo} onClose={() => setShowingInfo(false)} />
          <MessageInfoDialog />
        </>
      )}
      {conversation.historyError && (
        <Alert severity="warning" sx={{ borderRadius: 0 }}>
          {conversation.historyError}
        </Alert>
      )}
      {conversation.jumpFailed && (
        <Alert
          severity="warning"
          sx={{ borderRadius: 0 }}
          action={
            <Button color="inherit" size="small" onClick={onRetryJump}>
              Try again
            </Button>
          }
        >
          Could not load the message.
        </Alert>
      )}
      {actionError && (
        <Alert
          severity="error"
          aria-label="Message action failed"
          onClose={() => sendToActions({ type: 'failure.dismissed' })}
          sx={{ borderRadius: 0 }}
        >
          {actionError}
        </Alert>
      )}
      <DeleteMessageDialog />
      <MessageActionsProvider value={handlers}>
        <MessageLog
          rows={rows}
          isGroup={conversation.kind === 'group'}
          hasMore={conversation.hasMore}
          isLoadingOlder={conversation.loadingHistory}
          onLoadOlder={onLoadOlder}
          jumpSeq={conversation.jumpSeq}
          seekingMessage={conversation.seekingMessage}
          onJumpToMessage={onJumpToMessage}
          onJumpShown={onJumpShown}
          onRetry={onRetry}
          {...(conversation.kind === 'group' ? { onShowInfo: showMessageInfo } : {})}
        />
      </MessageActionsProvider>
      {mode.kind === 'editing' ? (
        <Composer
          value={mode.text}
          canSend={!mode.saving && mode.text.trim() !== ''}
          onChange={(text) => sendToActions({ type: 'edit.changed', text })}
          onSend={() => sendToActions({ type: 'edit.submitted' })}
          sendLabel="Save edit"
          focusKey={focusKey}
          readOnly={mode.saving}
          onCancel={cancelMode}
          banner={<ComposerBanner mode={mode} onCancel={cancelMode} />}
        />
      ) : (
        <Composer
          value={conversation.draft}
          canSend={conversation.canSend}
          onChange={onDraftChange}
          onSend={
            mode.kind === 'replying' ? () => sendToActions({ type: 'reply.submitted' }) : onSend
          }
          onEditLast={editLast}
          focusKey={focusKey}
          {...(mode.kind === 'replying'
            ? {
                onCancel: cancelMode,
                banner: <ComposerBanner mode={mode} onCancel={cancelMode} />,
              }
            : {})}
        />
      )}
    </Box>
  );
}
