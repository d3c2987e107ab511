import type { SonarRule } from './api';
import { typeLabel } from './mapping';

const ENTITIES: Record<string, string> = { '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'", '&nbsp;': ' ', '&amp;': '&' };

/** Enough HTML -> Markdown for rule descriptions: headings, paragraphs, lists, code, links. */
export function htmlToMarkdown(html: string): string {
  return html
    .replace(/<pre[^>]*>([\s\S]*?)<\/pre>/gi, (_m, code: string) => `\n\n\`\`\`\n${code.replace(/<[^>]+>/g, '').trim()}\n\`\`\`\n\n`)
    .replace(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/gi, (_m, level: string, text: string) => `\n\n${'#'.repeat(Math.min(6, Number(level) + 1))} ${text.trim()}\n\n`)
    .replace(/<li[^>]*>/gi, '\n- ')
    .replace(/<\/(p|ul|ol|div)>|<br\s*\/?>/gi, '\n\n')
    .replace(/<code[^>]*>([\s\S]*?)<\/code>/gi, '`$1`')
    .replace(/<(strong|b)>([\s\S]*?)<\/\1>/gi, '**$2**')
    .replace(/<(em|i)>([\s\S]*?)<\/\1>/gi, '*$2*')
    .replace(/<a [^>]*href="([^"]+)"[^>]*>([\s\S]*?)<\/a>/gi, '[$2]($1)')
    .replace(/<[^>]+>/g, '')
    .replace(/&(lt|gt|quot|#39|apos|nbsp|amp);/g, (e) => ENTITIES[e])
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The rule page as one Markdown document. */
export function ruleMarkdown(rule: SonarRule, url: string): string {
  const facts = [rule.key, rule.type ? typeLabel(rule.type) : '', rule.severity ?? '', rule.langName ?? rule.lang ?? ''].filter(Boolean).join(' · ');
  const body = rule.mdDesc
    ?? (rule.descriptionSections?.length ? rule.descriptionSections.map((s) => htmlToMarkdown(s.content)).join('\n\n') : htmlToMarkdown(rule.htmlDesc ?? ''));
  return `# ${rule.name ?? rule.key}\n\n${facts}\n\n${body || '_The server has no description for this rule._'}\n\n[Open the rule on the server](${url})\n`;
}
