import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { Lang } from '../knowledge';
import { saysOneOf } from './saidWords';
import type { Translate } from './turn';

export interface InterruptibleState {
  lang: Lang;
}

/**
 * Base of the multi-step flows: "cancel" ends the flow and "back" returns to the previous
 * question, at any step, in the flow's language. Subclasses say what each means for them.
 */
export abstract class InterruptibleDialog<S extends InterruptibleState> extends Dialog {
  protected constructor(
    id: string,
    protected readonly translate: Translate,
  ) {
    super(id);
  }

  protected abstract onCancel(dc: DialogContext, state: S): Promise<DialogTurnResult>;
  protected abstract onBack(dc: DialogContext, state: S): Promise<DialogTurnResult>;
  protected abstract onInput(dc: DialogContext, state: S, text: string): Promise<DialogTurnResult>;

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as S;
    const text = (dc.context.activity.text ?? '').trim();
    if (saysOneOf(text, state.lang, this.translate, 'cancelWords')) return this.onCancel(dc, state);
    if (saysOneOf(text, state.lang, this.translate, 'backWords')) return this.onBack(dc, state);
    return this.onInput(dc, state, text);
  }
}
