import { describe, expect, it } from 'vitest';
import {
  CreateUserSchema,
  E164Schema,
  Events,
  graphemeLength,
  isValidName,
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
