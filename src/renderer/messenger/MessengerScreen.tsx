import { useCallback, type JSX } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './ConversationView.tsx';
import { SIDEBAR_WIDTH } from './layout.ts';
import { MessengerNotice } from './MessengerNotice.tsx';
import { MessengerSkeleton } from './MessengerSkeleton.tsx';
import { NewChatDialog } from './NewChatDialog.tsx';
import { SettingsDialog } from './SettingsDialog.tsx';
import { UnreadTitle } from './UnreadTitle.tsx';
import { WindowFocus } from './WindowFocus.tsx';

/**
 * The signed-in screen: the conversation list beside the open conversation, a skeleton until
 * the first sync, and a banner while messages cannot flow. Everything shown comes from the
 * atoms; everything done is an event to the messenger machine.
 */
export function MessengerScreen(): JSX.Element {
  const atoms = useAppAtoms();
  const ready = useAtomValue(atoms.messengerReadyAtom);
  const banner = useAtomValue(atoms.sessionBannerAtom);
  const rows = useAtomValue(atoms.sidebarRowsAtom);
  const conversation = useAtomValue(atoms.openConversationAtom);
  const sendToMessenger = useSetAtom(atoms.sendToMessengerAtom);
  const sendToConversation = useSetAtom(atoms.sendToOpenConversationAtom);
  const retry = useSetAtom(atoms.retryMessageAtom);
  const sendToNewChat = useSetAtom(atoms.sendToNewChatAtom);
  const openNewChat = useCallback(
    () => sendToNewChat({ type: 'newChat.opened', purpose: 'direct' }),
    [sendToNewChat],
  );
  const openSettings = useSetAtom(atoms.openSettingsAtom);
  // Stable callbacks, so the memoized list, log and bubbles skip renders that change nothing.
  const selectConversation = useCallback(
    (conversationId: string) => sendToMessenger({ type: 'conversation.selected', conversationId }),
    [sendToMessenger],
  );
  const changeDraft = useCallback(
    (text: string) => sendToConversation({ type: 'draft.changed', text }),
    [sendToConversation],
  );
  const sendDraft = useCallback(
    () => sendToConversation({ type: 'message.submitted' }),
    [sendToConversation],
  );
  const loadOlder = useCallback(
    () => sendToConversation({ type: 'history.requested' }),
    [sendToConversation],
  );

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      {banner && <ConnectionBanner banner={banner} />}
      <Box sx={{ flex: 1, minHeight: 0 }}>
        {!ready ? (
          <MessengerSkeleton />
        ) : (
          <Box sx={{ display: 'flex', height: '100%' }}>
            <Box
              component="nav"
              aria-label="Conversation list"
              sx={{
                width: SIDEBAR_WIDTH,
                flexShrink: 0,
                borderRight: 1,
                borderColor: 'divider',
              }}
            >
              <ConversationList
                rows={rows}
                onSelect={selectConversation}
                onNewChat={openNewChat}
                onOpenSettings={openSettings}
              />
            </Box>
            <Box component="main" sx={{ flex: 1, minWidth: 0 }}>
              {conversation ? (
                <ConversationView
                  key={conversation.id}
                  conversation={conversation}
                  onDraftChange={changeDraft}
                  onSend={sendDraft}
                  onLoadOlder={loadOlder}
                  onRetry={retry}
                />
              ) : (
                <Typography
                  sx={{
                    color: 'text.secondary',
                    height: '100%',
                    display: 'grid',
                    placeItems: 'center',
                  }}
                >
                  Choose a conversation to start chatting.
                </Typography>
              )}
            </Box>
          </Box>
        )}
      </Box>
      <NewChatDialog />
      <SettingsDialog />
      <MessengerNotice />
      <WindowFocus />
      <UnreadTitle />
    </Box>
  );
}
