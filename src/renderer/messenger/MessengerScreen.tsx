import { useCallback, useEffect, useMemo, useRef, useState, type JSX } from 'react';
import { useAtomValue, useSetAtom } from 'jotai';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import useMediaQuery from '@mui/material/useMediaQuery';
import { useAppAtoms } from '../components/AppAtomsContext.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { ConversationList } from './ConversationList.tsx';
import { ConversationView } from './ConversationView.tsx';
import { KeyboardShortcutsDialog } from './KeyboardShortcutsDialog.tsx';
import { useConversationSwitchKeys } from './conversationKeys.ts';
import { ONE_PANE_QUERY, SIDEBAR_WIDTH, visuallyHidden } from './layout.ts';
import { MessengerNotice } from './MessengerNotice.tsx';
import { MessengerSkeleton } from './MessengerSkeleton.tsx';
import { NewChatDialog } from './NewChatDialog.tsx';
import { SearchDialog } from './SearchDialog.tsx';
import { SettingsDialog } from './SettingsDialog.tsx';
import { UnreadTitle } from './UnreadTitle.tsx';
import { WindowFocus } from './WindowFocus.tsx';

/**
 * The signed-in screen: the conversation list beside the open conversation, a skeleton until
 * the first sync, and a banner while messages cannot flow. In a narrow window one pane shows
 * at a time, as in Telegram: the list while no conversation is open (the messenger's browsing),
 * else the conversation with a Back button. Everything shown comes from the atoms; everything
 * done is an event to the messenger machine.
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
  const onePane = useMediaQuery(ONE_PANE_QUERY, { noSsr: true });
  // Where the keyboard focus goes once a closed conversation's row shows again: what the view
  // does with the focus, not what the messenger is in.
  const [focusRowId, setFocusRowId] = useState<string | null>(null);
  const rowFocused = useCallback(() => setFocusRowId(null), []);
  const navRef = useRef<HTMLElement>(null);
  const mainRef = useRef<HTMLElement>(null);
  const hidesList = onePane && conversation !== null;
  // The window narrowed while the keyboard was in the list, which now hides behind the open
  // conversation: the keyboard goes to its composer, as when it opens, rather than nowhere.
  useEffect(() => {
    if (!hidesList) return;
    const active = document.activeElement;
    if (active !== null && active !== document.body && !navRef.current?.contains(active)) return;
    mainRef.current?.querySelector<HTMLElement>('textarea')?.focus();
  }, [hidesList]);
  const openNewChat = useCallback(
    () => sendToNewChat({ type: 'newChat.opened', purpose: 'direct' }),
    [sendToNewChat],
  );
  const openSettings = useSetAtom(atoms.openSettingsAtom);
  const sendToMessageSearch = useSetAtom(atoms.sendToMessageSearchAtom);
  const openSearch = useCallback(
    () => sendToMessageSearch({ type: 'search.opened' }),
    [sendToMessageSearch],
  );
  // Stable callbacks, so the memoized list, log and bubbles skip renders that change nothing.
  const selectConversation = useCallback(
    (conversationId: string) => sendToMessenger({ type: 'conversation.selected', conversationId }),
    [sendToMessenger],
  );
  const rowIds = useMemo(() => rows.map((row) => row.id), [rows]);
  useConversationSwitchKeys(rowIds, conversation?.id ?? null, selectConversation);
  const closeConversation = useCallback(
    (conversationId: string) => {
      setFocusRowId(conversationId);
      sendToMessenger({ type: 'conversation.closed' });
    },
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
  const jumpToMessage = useCallback(
    (seq: number) => sendToConversation({ type: 'message.jumpRequested', seq }),
    [sendToConversation],
  );
  const jumpShown = useCallback(
    () => sendToConversation({ type: 'message.jumpShown' }),
    [sendToConversation],
  );
  const retryJump = useCallback(
    () => sendToConversation({ type: 'message.jumpRetried' }),
    [sendToConversation],
  );

  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      {/* The screen's name for screen readers, as the window's title says it; the panes'
          titles ("Chats", the conversation's) are its second-level headings, in both layouts. */}
      <Typography component="h1" sx={visuallyHidden}>
        Parley
      </Typography>
      {banner && <ConnectionBanner banner={banner} />}
      <Box sx={{ flex: 1, minHeight: 0 }}>
        {!ready ? (
          <MessengerSkeleton />
        ) : (
          <Box sx={{ display: 'flex', height: '100%' }}>
            {/* Hidden, not unmounted, behind a narrow window's conversation: the list keeps its
                scroll position, and a resize keeps both panes' state. */}
            <Box
              component="nav"
              aria-label="Conversation list"
              ref={navRef}
              hidden={hidesList}
              sx={
                onePane
                  ? { flex: 1, minWidth: 0 }
                  : { width: SIDEBAR_WIDTH, flexShrink: 0, borderRight: 1, borderColor: 'divider' }
              }
            >
              <ConversationList
                rows={rows}
                onSelect={selectConversation}
                onNewChat={openNewChat}
                focusRowId={focusRowId}
                onRowFocused={rowFocused}
                onOpenSettings={openSettings}
                onSearch={openSearch}
              />
            </Box>
            <Box
              component="main"
              ref={mainRef}
              hidden={onePane && conversation === null}
              sx={{ flex: 1, minWidth: 0 }}
            >
              {conversation ? (
                <ConversationView
                  key={conversation.id}
                  conversation={conversation}
                  onDraftChange={changeDraft}
                  onSend={sendDraft}
                  onLoadOlder={loadOlder}
                  onJumpToMessage={jumpToMessage}
                  onJumpShown={jumpShown}
                  onRetryJump={retryJump}
                  onRetry={retry}
                  onClose={closeConversation}
                  showBack={onePane}
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
      <SearchDialog />
      <SettingsDialog />
      <KeyboardShortcutsDialog />
      <MessengerNotice />
      <WindowFocus />
      <UnreadTitle />
    </Box>
  );
}
