import MarkdownIt from 'markdown-it';

type Token = MarkdownIt.Token;

/** CommonMark without raw HTML: content is light Markdown, and `<` in it is text. */
const parser = new MarkdownIt('commonmark', { html: false });

/** The text of one inline run: emphasis dropped, each link followed by its address. */
function inlineText(children: Token[]): string {
  let text = '';
  const open: { href: string; start: number }[] = [];
  for (const token of children) {
    switch (token.type) {
      case 'text':
      case 'code_inline':
        text += token.content;
        break;
      case 'softbreak':
      case 'hardbreak':
        text += '\n';
        break;
      case 'link_open':
        open.push({ href: String(token.attrGet('href') ?? ''), start: text.length });
        break;
      case 'link_close': {
        const link = open.pop();
        // An autolink's label is its address already.
        if (link?.href && text.slice(link.start).trim() !== link.href) text += ` (${link.href})`;
        break;
      }
      case 'image':
        text += `${token.content} (${String(token.attrGet('src') ?? '')})`;
        break;
    }
  }
  return text;
}

interface Block {
  text: string;
  /** Which top-level list the block belongs to: items of one list are one line apart. */
  list?: number;
}

/**
 * Markdown as a channel without Markdown should show it: paragraphs kept, list items as "- " or
 * "1. " lines, emphasis markers dropped, links as "label (https://…)" so the address survives.
 */
export function markdownToPlainText(markdown: string): string {
  const blocks: Block[] = [];
  const lists: { ordered: boolean; next: number }[] = [];
  let marker: string | undefined;
  let listCount = 0;
  const push = (text: string) => {
    const hang = '  '.repeat(lists.length);
    blocks.push({
      text: (marker ?? hang) + text.replaceAll('\n', `\n${hang}`),
      list: lists.length > 0 ? listCount : undefined,
    });
    marker = undefined;
  };
  for (const token of parser.parse(markdown, {})) {
    switch (token.type) {
      case 'bullet_list_open':
      case 'ordered_list_open':
        if (lists.length === 0) listCount++;
        lists.push({
          ordered: token.type === 'ordered_list_open',
          next: Number(token.attrGet('start') ?? 1),
        });
        break;
      case 'bullet_list_close':
      case 'ordered_list_close':
        lists.pop();
        break;
      case 'list_item_open': {
        const list = lists.at(-1)!;
        marker = '  '.repeat(lists.length - 1) + (list.ordered ? `${list.next++}. ` : '- ');
        break;
      }
      case 'inline':
        push(inlineText(token.children ?? []));
        break;
      case 'fence':
      case 'code_block':
        push(token.content.replace(/\n$/, ''));
        break;
    }
  }
  return blocks
    .map(
      (block, i) =>
        (i === 0 ? '' : block.list !== undefined && block.list === blocks[i - 1]!.list ? '\n' : '\n\n') +
        block.text,
    )
    .join('');
}
