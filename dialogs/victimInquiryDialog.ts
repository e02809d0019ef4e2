import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { D2Intake, HandoffDesk } from '../handoff';
import type { Lang } from '../knowledge';
import { classifyInquiry } from '../triage';
import { InterruptibleDialog, type InterruptibleState } from './interruptibleDialog';
import { internationalPhone } from './phone';
import { reply } from './replies';
import { sameWords, saysOneOf } from './saidWords';
import { getTurn, keepOutOfTranscript, ticketOrigin, type Translate } from './turn';

export const VICTIM_INQUIRY_DIALOG = 'victimInquiry';

const FIELDS = [
  'callerName',
  'callerPhone',
  'relation',
  'personName',
  'personAge',
  'description',
  'lastSeen',
] as const;
type Field = (typeof FIELDS)[number];
const QUESTION: Record<Field, string> = {
  callerName: 'd2:askCallerName',
  callerPhone: 'd2:askCallerPhone',
  relation: 'd2:askRelation',
  personName: 'd2:askPersonName',
  personAge: 'd2:askPersonAge',
  description: 'd2:askDescription',
  lastSeen: 'd2:askLastSeen',
};
const MAX_FIELD_LENGTH = 500;

type Step = 'confirmD2' | 'consent' | 'specialistOffer' | 'summary' | 'whichField' | Field;

interface IntakeState extends InterruptibleState {
  step: Step;
  values: Partial<D2Intake>;
  urgent: boolean;
  warnedUrgent: boolean;
  /** Set while correcting one field from the summary: go back to the summary after it. */
  correcting: boolean;
  /**
   * The entries offered beside the yes/no question, as their questions were shown; absent from a
   * state saved by a version that offered none.
   */
  offered?: OfferedEntry[];
  /** Nobody but the writer was named: the yes/no question also asks whether they were affected themself. */
  aboutTheWriterAlone?: boolean;
}

/** An FAQ entry the general question may be, shown as its question in the citizen's language. */
export interface OfferedEntry {
  faqId: string;
  question: string;
}

export interface VictimInquiryOptions {
  lang: Lang;
  urgent: boolean;
  /** The classifier was unsure: ask whether this is about a person who may be affected first. */
  confirmFirst: boolean;
  /**
   * With `confirmFirst`: the entries the message may be asking about instead, offered beside the
   * yes/no question so that a general question is one choice away, not two turns.
   */
  offered?: OfferedEntry[];
  /**
   * With `confirmFirst`: nobody but the writer was named ("coughing since the blast, is that
   * serious?"), so the question asks whether they were hurt or made ill themself, too.
   */
  aboutTheWriterAlone?: boolean;
}

/** What the router does once the flow ends. */
export type VictimInquiryResult =
  /** `ticketId`: the ticket the conversation now waits on. */
  | { outcome: 'done'; ticketId?: string }
  /**
   * Not about a person: `chosen` is an offered entry the citizen picked; `anotherMessage`, that
   * the citizen wrote something new instead of answering, which is routed as any message;
   * neither, that the first message is a general question after all.
   */
  | { outcome: 'notD2'; chosen?: string; anotherMessage?: boolean };

export interface VictimInquirySettings {
  desk: HandoffDesk;
  retentionDays: number;
  /** The specialists' phone line; the crisis info number when none is configured. */
  d2Phone?: string;
}

/**
 * The victim-inquiry (D2) intake: what happens with the data and consent, then the caller and
 * the person sought, a summary to confirm or correct, and a ticket in the specialists' queue.
 * Nothing personal is kept outside this dialog's state until the citizen confirms, and then
 * only encrypted in the ticket; the dialog state is cleared when the flow ends.
 */
export class VictimInquiryDialog extends InterruptibleDialog<IntakeState> {
  constructor(
    translate: Translate,
    private readonly settings: VictimInquirySettings,
  ) {
    super(VICTIM_INQUIRY_DIALOG, translate);
  }

  override async beginDialog(dc: DialogContext, options?: VictimInquiryOptions): Promise<DialogTurnResult> {
    if (!options) throw new Error('victim inquiry needs its options');
    keepOutOfTranscript(dc.context);
    const state: IntakeState = {
      lang: options.lang,
      step: options.confirmFirst ? 'confirmD2' : 'consent',
      values: {},
      urgent: options.urgent,
      warnedUrgent: false,
      correcting: false,
      offered: options.offered ?? [],
      aboutTheWriterAlone: options.aboutTheWriterAlone ?? false,
    };
    dc.activeDialog!.state = state;
    if (options.confirmFirst) {
      await this.askIsD2(dc, state);
    } else {
      await this.startConsent(dc, state);
    }
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    // What is said in the intake reaches the specialists only through the encrypted intake.
    keepOutOfTranscript(dc.context);
    return super.continueDialog(dc);
  }

  protected async onCancel(dc: DialogContext, state: IntakeState): Promise<DialogTurnResult> {
    await this.say(dc, state, 'd2:cancelled');
    return dc.endDialog({ outcome: 'done' } satisfies VictimInquiryResult);
  }

  protected async onBack(dc: DialogContext, state: IntakeState): Promise<DialogTurnResult> {
    const index = FIELDS.indexOf(state.step as Field);
    if (state.step === 'summary' || state.step === 'whichField') {
      state.correcting = false;
      return this.askField(dc, state, FIELDS[FIELDS.length - 1]!);
    }
    if (index > 0) return this.askField(dc, state, FIELDS[index - 1]!);
    await this.startConsent(dc, state);
    return Dialog.EndOfTurn;
  }

  protected async onInput(dc: DialogContext, state: IntakeState, text: string): Promise<DialogTurnResult> {
    if (!state.warnedUrgent && classifyInquiry(text, state.lang).urgent) {
      state.urgent = true;
      await this.warnUrgent(dc, state);
    }
    const yes = () => saysOneOf(text, state.lang, this.translate, 'd2:yesWords', [this.t(state, 'd2:yes')]);
    const no = () => saysOneOf(text, state.lang, this.translate, 'd2:noWords', [this.t(state, 'd2:no')]);

    switch (state.step) {
      case 'confirmD2': {
        if (yes()) {
          await this.startConsent(dc, state);
          return Dialog.EndOfTurn;
        }
        const chosen = state.offered?.find((o) => sameWords(o.question, text));
        if (chosen)
          return dc.endDialog({ outcome: 'notD2', chosen: chosen.faqId } satisfies VictimInquiryResult);
        // Anything else than "no" is a message of its own: it may be the victim inquiry itself
        // ("my son, he was at the station"), so it is triaged again, never answered unread.
        return dc.endDialog({ outcome: 'notD2', anotherMessage: !no() } satisfies VictimInquiryResult);
      }
      case 'consent':
        if (
          yes() ||
          saysOneOf(text, state.lang, this.translate, 'd2:yesWords', [this.t(state, 'd2:consentYes')])
        ) {
          return this.askField(dc, state, FIELDS[0]);
        }
        if (no()) {
          state.step = 'specialistOffer';
          await this.ask(dc, state, 'd2:noConsent', [this.t(state, 'd2:yes'), this.t(state, 'd2:no')]);
          return Dialog.EndOfTurn;
        }
        await this.startConsent(dc, state);
        return Dialog.EndOfTurn;
      case 'specialistOffer':
        if (yes()) return this.openTicket(dc, state, undefined);
        await this.say(dc, state, 'd2:declined');
        return dc.endDialog({ outcome: 'done' } satisfies VictimInquiryResult);
      case 'summary':
        if (
          yes() ||
          saysOneOf(text, state.lang, this.translate, 'd2:yesWords', [this.t(state, 'd2:confirmSend')])
        ) {
          return this.openTicket(dc, state, state.values as D2Intake);
        }
        return this.askWhichField(dc, state);
      case 'whichField': {
        const field = FIELDS.find((f) => saysOneOf(text, state.lang, this.translate, `d2:field.${f}`));
        if (!field) return this.askWhichField(dc, state);
        state.correcting = true;
        return this.askField(dc, state, field);
      }
      default:
        return this.takeField(dc, state, state.step, text);
    }
  }

  private async takeField(
    dc: DialogContext,
    state: IntakeState,
    field: Field,
    text: string,
  ): Promise<DialogTurnResult> {
    if (text.length === 0 || text.length > MAX_FIELD_LENGTH) {
      await this.say(dc, state, 'd2:invalidAnswer', { max: MAX_FIELD_LENGTH });
      return this.askField(dc, state, field);
    }
    if (field === 'callerPhone') {
      const phone = internationalPhone(text);
      if (!phone) {
        await this.say(dc, state, 'd2:invalidPhone');
        return Dialog.EndOfTurn;
      }
      state.values.callerPhone = phone;
    } else {
      state.values[field] = text;
    }
    const next = FIELDS[FIELDS.indexOf(field) + 1];
    if (state.correcting || !next) {
      state.correcting = false;
      return this.showSummary(dc, state);
    }
    return this.askField(dc, state, next);
  }

  private async startConsent(dc: DialogContext, state: IntakeState): Promise<void> {
    state.step = 'consent';
    await this.say(dc, state, 'd2:intro');
    if (state.urgent && !state.warnedUrgent) await this.warnUrgent(dc, state);
    await this.ask(
      dc,
      state,
      'd2:consentQuestion',
      [this.t(state, 'd2:consentYes'), this.t(state, 'd2:no')],
      {
        days: this.settings.retentionDays,
      },
    );
  }

  private async askField(dc: DialogContext, state: IntakeState, field: Field): Promise<DialogTurnResult> {
    state.step = field;
    await this.say(dc, state, QUESTION[field]);
    return Dialog.EndOfTurn;
  }

  private async showSummary(dc: DialogContext, state: IntakeState): Promise<DialogTurnResult> {
    state.step = 'summary';
    const lines = FIELDS.map((f) => `- ${this.t(state, `d2:field.${f}`)}: ${state.values[f] ?? ''}`);
    const text = `${this.t(state, 'd2:summary')}\n\n${lines.join('\n')}\n\n${this.t(state, 'd2:summaryQuestion')}`;
    await dc.context.sendActivity(
      reply(text, { kind: 'd2', lang: state.lang }, [
        this.t(state, 'd2:confirmSend'),
        this.t(state, 'd2:correct'),
      ]),
    );
    return Dialog.EndOfTurn;
  }

  private async askWhichField(dc: DialogContext, state: IntakeState): Promise<DialogTurnResult> {
    state.step = 'whichField';
    await this.ask(
      dc,
      state,
      'd2:whichField',
      FIELDS.map((f) => this.t(state, `d2:field.${f}`)),
    );
    return Dialog.EndOfTurn;
  }

  private async openTicket(
    dc: DialogContext,
    state: IntakeState,
    intake: D2Intake | undefined,
  ): Promise<DialogTurnResult> {
    const { data } = getTurn(dc.context);
    const admission = await this.settings.desk.admit({
      queue: 'd2',
      reason: 'd2',
      ...ticketOrigin(dc.context, state.lang),
      urgent: state.urgent,
      transcript: data.recent,
      intake,
    });
    const d2Phone = this.d2Phone(dc);
    const key = intake ? 'd2:submitted' : 'd2:specialistQueued';
    const text = this.t(state, key, { phone: intake?.callerPhone, d2Phone });
    await dc.context.sendActivity(reply(text, { kind: 'd2', lang: state.lang, queue: 'd2' }));
    // With an intake the specialists call back, and the citizen may go on asking the bot; without
    // one, the citizen waits here for a specialist to take the conversation.
    const ticketId = admission.admitted && !intake ? admission.ticket.id : undefined;
    return dc.endDialog({ outcome: 'done', ticketId } satisfies VictimInquiryResult);
  }

  private async warnUrgent(dc: DialogContext, state: IntakeState): Promise<void> {
    state.warnedUrgent = true;
    await this.say(dc, state, 'd2:urgent');
  }

  private d2Phone(dc: DialogContext): string {
    return this.settings.d2Phone ?? getTurn(dc.context).crisis.content.crisis.infoNumber;
  }

  private t(state: IntakeState, key: string, values?: Record<string, unknown>): string {
    return this.translate(state.lang, key, values);
  }

  private async say(
    dc: DialogContext,
    state: IntakeState,
    key: string,
    values?: Record<string, unknown>,
  ): Promise<void> {
    await this.ask(dc, state, key, [], values);
  }

  /** The yes/no question, with the offered entries after yes and no when there are some. */
  private async askIsD2(dc: DialogContext, state: IntakeState): Promise<void> {
    const choices = [this.t(state, 'd2:yes'), this.t(state, 'd2:no')];
    const offered = state.offered ?? [];
    const question = state.aboutTheWriterAlone ? 'd2:askIsD2OrSelf' : 'd2:askIsD2';
    if (offered.length === 0) return this.ask(dc, state, question, choices);
    const meta = { kind: 'd2' as const, lang: state.lang, options: offered.map((o) => o.faqId) };
    const questions = offered.map((o) => o.question);
    await dc.context.sendActivity(
      reply(this.t(state, `${question}OrEntry`), meta, [...choices, ...questions]),
    );
  }

  private async ask(
    dc: DialogContext,
    state: IntakeState,
    key: string,
    choices: string[],
    values?: Record<string, unknown>,
  ): Promise<void> {
    const text = this.t(state, key, { d2Phone: this.d2Phone(dc), ...values });
    await dc.context.sendActivity(reply(text, { kind: 'd2', lang: state.lang }, choices));
  }
}
