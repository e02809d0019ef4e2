import { EventFactory, type Activity } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { CitizenNotice, HandoffDesk, Queue, Reason, Ticket } from '../handoff';
import type { Lang } from '../knowledge';
import { InterruptibleDialog, type InterruptibleState } from './interruptibleDialog';
import { noticeActivity } from './notices';
import { internationalPhone } from './phone';
import { reply } from './replies';
import { saysOneOf } from './saidWords';
import { getTurn, keepOutOfTranscript, ticketOrigin, type Translate } from './turn';

export const HANDOFF_DIALOG = 'handoff';

export type HandoffOptions =
  | { lang: Lang; queue: 'd5'; reason: Extract<Reason, 'person-request' | 'unanswered'> }
  /** A ticket the D2 flow opened: the conversation waits for the specialists. */
  | { lang: Lang; ticketId: string };

/** `reroute`: the message of this turn is for the bot, not for the handoff. */
export interface HandoffResult {
  reroute: boolean;
}

type Step = 'waiting' | 'overflow' | 'callbackPhone';

interface HandoffState extends InterruptibleState {
  step: Step;
  ticketId?: string;
  queue: Queue;
}

/**
 * A conversation with people: in a queue, with an operator, or — when nobody can take it — the
 * overflow offer (info line, callback). It stays on the dialog stack while the ticket is open,
 * so every citizen message reaches the ticket; once an operator closes it, the next message goes
 * back to the bot.
 */
export class HandoffDialog extends InterruptibleDialog<HandoffState> {
  constructor(
    translate: Translate,
    private readonly desk: HandoffDesk,
  ) {
    super(HANDOFF_DIALOG, translate);
  }

  override async beginDialog(dc: DialogContext, options?: HandoffOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('handoff needs its options');
    if ('ticketId' in options) {
      const ticket = await this.desk.current(options.ticketId);
      const state: HandoffState = {
        lang: options.lang,
        step: 'waiting',
        ticketId: ticket.id,
        queue: ticket.queue,
      };
      dc.activeDialog!.state = state;
      await this.sendPlace(dc, ticket, ticket.queue === 'd2' ? 'handoff:queuedD2' : 'handoff:queued');
      return Dialog.EndOfTurn;
    }

    const state: HandoffState = { lang: options.lang, step: 'waiting', queue: options.queue };
    dc.activeDialog!.state = state;
    const { crisis, data } = getTurn(dc.context);
    const { activity } = dc.context;
    const admission = await this.desk.admit({
      queue: options.queue,
      reason: options.reason,
      ...ticketOrigin(dc.context, state.lang),
      transcript: [
        ...(data.recent ?? []),
        { at: new Date().toISOString(), from: 'citizen', text: activity.text ?? '' },
      ],
    });
    if (!admission.admitted) {
      state.step = 'overflow';
      const why = admission.why === 'no-operator' ? 'handoff:overflowNoOperator' : 'handoff:overflowLongWait';
      const text = [
        this.t(state, why, { wait: admission.waitMinutes }),
        this.t(state, 'handoff:overflowOffer', { infoNumber: crisis.content.crisis.infoNumber }),
      ].join('\n\n');
      await dc.context.sendActivity(
        reply(text, { kind: 'handoff', lang: state.lang, queue: options.queue }, [
          this.t(state, 'handoff:callbackYes'),
          this.t(state, 'handoff:callbackNo'),
        ]),
      );
      return Dialog.EndOfTurn;
    }
    state.ticketId = admission.ticket.id;
    keepOutOfTranscript(dc.context);
    await this.announce(dc, admission.ticket, data.recent ?? []);
    const key = options.reason === 'unanswered' ? 'handoff:queuedUnanswered' : 'handoff:queued';
    await this.sendPlace(dc, admission.ticket, key);
    return Dialog.EndOfTurn;
  }

  protected async onCancel(dc: DialogContext, state: HandoffState): Promise<DialogTurnResult> {
    if (state.step === 'waiting' && state.ticketId) {
      const ticket = await this.desk.current(state.ticketId);
      if (ticket.state !== 'closed') await this.desk.cancelByCitizen(ticket);
    }
    await dc.context.sendActivity(
      reply(this.t(state, 'handoff:backToBot'), { kind: 'info', lang: state.lang }),
    );
    return dc.endDialog({ reroute: false } satisfies HandoffResult);
  }

  protected async onBack(dc: DialogContext, state: HandoffState): Promise<DialogTurnResult> {
    return this.onCancel(dc, state);
  }

  protected async onInput(dc: DialogContext, state: HandoffState, text: string): Promise<DialogTurnResult> {
    switch (state.step) {
      case 'waiting':
        return this.relay(dc, state, text);
      case 'overflow':
        if (
          saysOneOf(text, state.lang, this.translate, 'handoff:callbackYesWords', [
            this.t(state, 'handoff:callbackYes'),
          ])
        ) {
          state.step = 'callbackPhone';
          await this.say(dc, state, 'handoff:callbackAsk');
          return Dialog.EndOfTurn;
        }
        if (saysOneOf(text, state.lang, this.translate, 'noWords', [this.t(state, 'handoff:callbackNo')])) {
          await this.say(dc, state, 'handoff:backToBot');
          return dc.endDialog({ reroute: false } satisfies HandoffResult);
        }
        // Anything else is a question: the citizen keeps asking the bot.
        return dc.endDialog({ reroute: true } satisfies HandoffResult);
      case 'callbackPhone':
        return this.bookCallback(dc, state, text);
    }
  }

  /** While a ticket is open, what the citizen writes is for the people on it. */
  private async relay(dc: DialogContext, state: HandoffState, text: string): Promise<DialogTurnResult> {
    const ticket = await this.desk.current(state.ticketId!);
    if (ticket.state === 'closed') return dc.endDialog({ reroute: true } satisfies HandoffResult);
    state.ticketId = ticket.id;
    keepOutOfTranscript(dc.context);
    await this.desk.fromCitizen(ticket, text);
    if (ticket.state === 'waiting') await this.sendPlace(dc, ticket, 'handoff:stillWaiting');
    return Dialog.EndOfTurn;
  }

  private async bookCallback(
    dc: DialogContext,
    state: HandoffState,
    text: string,
  ): Promise<DialogTurnResult> {
    const phone = internationalPhone(text);
    if (!phone) {
      await this.say(dc, state, 'handoff:callbackInvalid');
      return Dialog.EndOfTurn;
    }
    const { data } = getTurn(dc.context);
    keepOutOfTranscript(dc.context);
    await this.desk.admit({
      queue: 'd5',
      reason: 'callback',
      ...ticketOrigin(dc.context, state.lang),
      transcript: data.recent,
      callbackPhone: phone,
    });
    await dc.context.sendActivity(
      reply(this.t(state, 'handoff:callbackBooked', { phone }), {
        kind: 'handoff',
        lang: state.lang,
        queue: 'd5',
      }),
    );
    return dc.endDialog({ reroute: false } satisfies HandoffResult);
  }

  /** Bot Framework's standard handoff event, for channels that route conversations to people themselves. */
  private async announce(
    dc: DialogContext,
    ticket: Ticket,
    recent: { from: string; text: string; at: string }[],
  ) {
    const transcript = {
      activities: recent.map(
        (entry) =>
          ({
            type: 'message',
            text: entry.text,
            timestamp: new Date(entry.at),
            from: { id: entry.from, name: entry.from, role: entry.from === 'citizen' ? 'user' : 'bot' },
          }) as Partial<Activity> as Activity,
      ),
    };
    const event = EventFactory.createHandoffInitiation(
      dc.context,
      { ticketId: ticket.id, queue: ticket.queue, reason: ticket.reason, lang: ticket.lang },
      transcript,
    );
    await dc.context.sendActivity(event);
  }

  private async sendPlace(dc: DialogContext, ticket: Ticket, lead: string): Promise<void> {
    const state = dc.activeDialog!.state as HandoffState;
    const place = await this.desk.place(ticket);
    const notice: CitizenNotice = this.desk.placeNotice(ticket, place, lead, state.lang);
    await dc.context.sendActivity(
      noticeActivity(notice, this.translate, [this.t(state, 'handoff:cancelButton')]),
    );
  }

  private async say(dc: DialogContext, state: HandoffState, key: string): Promise<void> {
    await dc.context.sendActivity(
      reply(this.t(state, key), { kind: 'handoff', lang: state.lang, queue: state.queue }),
    );
  }

  private t(state: HandoffState, key: string, values?: Record<string, unknown>): string {
    return this.translate(state.lang, key, values);
  }
}
