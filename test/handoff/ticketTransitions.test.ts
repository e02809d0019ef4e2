import { nextTicketState, TicketConflict, type Staff, type Ticket } from '../../handoff';

const now = new Date('2026-11-29T10:00:00Z');
const later = new Date('2026-11-29T10:05:00Z');
const operator: Staff = { id: 'op-1', name: 'Sam', roles: ['operator'], languages: ['fr'] };
const waiting: Ticket = {
  id: 't1',
  version: 0,
  queue: 'd5',
  state: 'waiting',
  reason: 'person-request',
  priority: 1,
  crisisSlug: 'c',
  conversationId: 'conv',
  channelId: 'test',
  lang: 'fr',
  createdAt: now,
  hasIntake: false,
  hasCallback: false,
  claims: [],
};

describe('the ticket state machine', () => {
  const claimed = nextTicketState(waiting, { type: 'claim', by: operator, expiresAt: later }, now);

  it('assigns a waiting ticket to an operator who serves its queue and language', () => {
    expect(claimed).toMatchObject({
      state: 'assigned',
      assignee: { id: 'op-1', name: 'Sam' },
      assignedAt: now,
      claims: [{ by: 'op-1', from: now }],
    });
  });

  it.each([
    ['an assigned ticket', claimed, operator],
    ['a ticket in another language', { ...waiting, lang: 'nl' }, operator],
    ['a D2 ticket, by a D5 operator', { ...waiting, queue: 'd2' as const }, operator],
  ])('refuses to claim %s', (_what, ticket, by) => {
    expect(() => nextTicketState(ticket, { type: 'claim', by, expiresAt: later }, now)).toThrow(
      TicketConflict,
    );
  });

  it('hands a lapsed claim back to the queue, and not one still running', () => {
    expect(() => nextTicketState(claimed, { type: 'expire' }, now)).toThrow(TicketConflict);
    const back = nextTicketState(claimed, { type: 'expire' }, new Date(later.getTime() + 1));
    expect(back).toMatchObject({ state: 'waiting', assignee: undefined, expiresAt: undefined });
    expect(back.claims).toEqual([{ by: 'op-1', from: now, to: new Date(later.getTime() + 1) }]);
  });

  it('closes once, with an outcome that fits the ticket', () => {
    const closed = nextTicketState(claimed, { type: 'close', outcome: 'resolved' }, later);
    expect(closed).toMatchObject({ state: 'closed', outcome: 'resolved', closedAt: later });
    expect(closed.claims).toEqual([{ by: 'op-1', from: now, to: later }]);
    expect(() => nextTicketState(closed, { type: 'close', outcome: 'abandoned' }, later)).toThrow(
      TicketConflict,
    );
    expect(() => nextTicketState(claimed, { type: 'close', outcome: 'callback-done' }, later)).toThrow(
      TicketConflict,
    );
  });
});
