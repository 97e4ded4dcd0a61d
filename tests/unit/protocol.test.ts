import { describe, expect, it } from 'vitest';
import {
  ConversationSchema,
  CreateUserSchema,
  E164Schema,
  Events,
  graphemeLength,
  isReactionEmoji,
  isValidName,
  Limits,
  MessageSchema,
  ReactToMessageSchema,
  replySnippet,
  SendMessageSchema,
} from '../../server/protocol.ts';

describe('wire names', () => {
  it('keeps the original system names exactly as spelled', () => {
    expect(Events.createUser).toBe('creatingNewUser');
    expect(Events.userCreated).toBe('newUserCrated');
    expect(Events.receiveConversationsAndUsers).toBe('recieveConversationsAndUsers');
    expect(Events.requestConversationsAndUsers).toBe('requestConversationsAndUsers');
    expect(Events.sendMessage).toBe('sendMessage');
    expect(Events.channelUpdate).toBe('channelUpdate');
    expect(Events.isDrafting).toBe('isDrafting');
  });
});

describe('names', () => {
  it.each([
    ['Al', false],
    ['  Al  ', false],
    ['Bob', true],
    ['Zoë', true],
    ['李小龙', true],
    ['👩‍👩‍👧👍🏽', false],
    ['👩‍👩‍👧👍🏽🎉', true],
  ])('%j valid: %s', (name, valid) => {
    expect(isValidName(name)).toBe(valid);
  });

  it('counts user-perceived characters', () => {
    expect(graphemeLength('e\u0301te\u0301')).toBe(3);
  });

  it('trims names when a user is created', () => {
    const parsed = CreateUserSchema.parse({
      phone: '+14155550132',
      firstName: '  Bulma ',
      lastName: 'Briefs',
      verificationToken: 't',
    });
    expect(parsed.firstName).toBe('Bulma');
  });
});

describe('payload schemas', () => {
  it('accepts E.164 and rejects national forms', () => {
    expect(E164Schema.safeParse('+442079460958').success).toBe(true);
    expect(E164Schema.safeParse('020 7946 0958').success).toBe(false);
  });

  it('rejects unknown keys such as __proto__ pollution attempts', () => {
    const payload = JSON.parse(
      '{"conversationId":"c1","text":"hi","clientMessageId":"m1","__proto__":{"admin":true}}',
    );
    expect(SendMessageSchema.safeParse(payload).success).toBe(false);
  });
});

describe('working with messages on the wire', () => {
  const plain = {
    id: 'm1',
    conversationId: 'c1',
    authorId: 'u1',
    text: 'hi',
    sentAt: 1,
    seq: 0,
    clientMessageId: null,
  };

  it('still parses a message from an older server, with none of the new fields', () => {
    expect(MessageSchema.parse(plain)).toEqual(plain);
    const conversation = {
      id: 'c1',
      kind: 'direct',
      title: '',
      lastMessage: plain,
      drafting: [],
      memberIds: ['u1', 'u2'],
      messages: [plain],
      hasMore: false,
    };
    expect(ConversationSchema.parse(conversation)).toEqual(conversation);
  });

  it('parses replies, edits, tombstones, reactions, hides and revisions', () => {
    const full = {
      ...plain,
      replyTo: { messageId: 'm0', seq: 0, authorId: 'u2', snippet: 'hey', deleted: false },
      editedAt: 5,
      editCount: 2,
      reactions: [{ emoji: '👍🏽', userIds: ['u2'] }],
      revision: 3,
    };
    expect(MessageSchema.parse(full)).toEqual(full);
    const tombstone = { ...plain, text: '', deletedAt: 9, revision: 4 };
    expect(MessageSchema.parse(tombstone)).toEqual(tombstone);
    expect(MessageSchema.safeParse({ ...plain, hidden: false }).success).toBe(false);
    expect(MessageSchema.safeParse({ ...plain, editCount: 0 }).success).toBe(false);
    expect(
      MessageSchema.safeParse({ ...plain, reactions: [{ emoji: '👍', userIds: [] }] }).success,
    ).toBe(false);
  });

  it.each([
    ['👍', true],
    ['👍🏽', true],
    ['👩‍👩‍👧', true],
    ['🇫🇷', true],
    ['🏴󠁧󠁢󠁥󠁮󠁧󠁿', true],
    ['1️⃣', true],
    ['❤️', true],
    ['❤', false],
    ['a', false],
    ['1', false],
    ['👍👍', false],
    ['', false],
    ['\u200d', false],
    ['👍\u202e', false],
    ['©', false],
  ])('isReactionEmoji(%j) is %s', (emoji, expected) => {
    expect(isReactionEmoji(emoji)).toBe(expected);
  });

  it('cuts a reply snippet at 120 code points, never inside a surrogate pair', () => {
    expect(replySnippet('short')).toBe('short');
    const snippet = replySnippet('😀'.repeat(Limits.replySnippetMaxChars + 5));
    expect([...snippet]).toHaveLength(Limits.replySnippetMaxChars);
    expect(snippet.isWellFormed()).toBe(true);
  });

  it('bounds every new payload: emoji, reply ids, unknown keys', () => {
    expect(
      ReactToMessageSchema.safeParse({ conversationId: 'c', messageId: 'm', emoji: null }).success,
    ).toBe(true);
    expect(
      ReactToMessageSchema.safeParse({
        conversationId: 'c',
        messageId: 'm',
        emoji: 'x'.repeat(200),
      }).success,
    ).toBe(false);
    expect(
      SendMessageSchema.safeParse({
        conversationId: 'c',
        text: 'hi',
        clientMessageId: 'm',
        replyToId: 'x'.repeat(65),
      }).success,
    ).toBe(false);
    expect(Events.editMessage).toBe('editMessage');
    expect(Events.messageChanged).toBe('messageChanged');
  });
});
