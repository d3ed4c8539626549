import { marked, type Tokens } from 'marked';

/**
 * The markdown of the first section whose heading matches `heading` (up to the next heading of the same
 * or a higher rank), without the heading itself; undefined when there is none.
 */
export function lessonSection(markdown: string, heading: RegExp): string | undefined {
  const tokens = marked.lexer(markdown);
  const start = tokens.findIndex((t) => t.type === 'heading' && heading.test((t as Tokens.Heading).text));
  if (start < 0) return undefined;
  const depth = (tokens[start] as Tokens.Heading).depth;
  const rest = tokens.slice(start + 1);
  const end = rest.findIndex((t) => t.type === 'heading' && (t as Tokens.Heading).depth <= depth);
  const body = (end < 0 ? rest : rest.slice(0, end)).map((t) => t.raw).join('').trim();
  return body || undefined;
}

export interface Recap {
  title: string;
  markdown: string;
}

/**
 * What a pass sums up: the lesson's "What you learned" (or "Recap", "Summary") section, else its "What the
 * checker verifies" list, which after a pass is what the learner's runtime now does.
 */
export function passRecap(lesson: string): Recap | undefined {
  const learned = lessonSection(lesson, /what you('ve)? learn|recap|summary|takeaway/i);
  if (learned) return { title: 'What you learned', markdown: learned };
  const verified = lessonSection(lesson, /what the check(er|s)? (verif|check)/i);
  return verified ? { title: 'What your rd.ts now does', markdown: verified } : undefined;
}
