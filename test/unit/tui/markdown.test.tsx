import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Markdown } from '../../../src/tui/markdown.js';
import { lessonSection, passRecap } from '../../../src/tui/lesson.js';
import { screen } from './fixture.js';

const show = (md: string) => screen(render(<Markdown source={md} />).lastFrame());

describe('Markdown', () => {
  it('drops the markup of headings and emphasis, keeping the words', () => {
    expect(show('# Title\n\nSome **bold**, *italic* and `code`.')).toBe('Title\n\nSome bold, italic and code.');
  });

  it('joins the lines of a paragraph, as markdown does, but keeps hard breaks', () => {
    expect(show('one\ntwo `code\nspan`\nthree  \nfour')).toBe('one two code span three\nfour');
  });

  it('starts no wrapped line with the space it broke at', () => {
    const frame = render(
      <Box width={9}>
        <Markdown source="aaaa bbbb cccc dddd" />
      </Box>,
    ).lastFrame();
    expect(screen(frame)).toBe('aaaa bbbb\ncccc\ndddd');
  });

  it('keeps code blocks line for line, indented', () => {
    expect(show('Run:\n\n```ts\nif (x) {\n  y();\n}\n```')).toBe('Run:\n\n  if (x) {\n    y();\n  }');
  });

  it('shows where a link goes unless its text is the address', () => {
    expect(show('See [the man page](https://man7.org/x) or <https://a.b/c>.')).toBe('See the man page (https://man7.org/x) or https://a.b/c.');
  });

  it('lays out bulleted, numbered and nested lists', () => {
    expect(show('- one\n- two\n  - deeper\n\n3. three\n4. four')).toBe('• one\n• two\n  • deeper\n\n3. three\n4. four');
  });

  it('lines up table columns', () => {
    expect(show('| flag | bit |\n|---|---|\n| CLONE_NEWNS | 0x00020000 |')).toBe('flag         bit\nCLONE_NEWNS  0x00020000');
  });

  it('decodes entities and escapes', () => {
    expect(show('a &amp; b &lt;c&gt; \\*not emphasis\\*')).toBe('a & b <c> *not emphasis*');
  });

  it('marks quotes with a bar', () => {
    expect(show('> careful')).toBe('│ careful');
  });
});

describe('lessonSection', () => {
  const lesson = '# Level\n\nIntro.\n\n## What you learned\n\n- fork\n- exec\n\n### Detail\n\nmore\n\n## Next\n\nlater';

  it('takes the section up to the next heading of its rank, without its heading', () => {
    expect(lessonSection(lesson, /what you learned/i)).toBe('- fork\n- exec\n\n### Detail\n\nmore');
  });

  it('is undefined when the lesson has no such section', () => {
    expect(lessonSection('# Level\n\nIntro.', /what you learned/i)).toBeUndefined();
  });
});

describe('passRecap', () => {
  it("prefers the lesson's recap", () => {
    expect(passRecap('# L\n\n## What the checker verifies\n\n- a\n\n## What you learned\n\nstuff')).toEqual({ title: 'What you learned', markdown: 'stuff' });
  });

  it('falls back to what the checker verifies, as what rd.ts now does', () => {
    expect(passRecap('# L\n\n## What the checker verifies\n\n- `stdout` works\n\n## Try it\n\nx')).toEqual({ title: 'What your rd.ts now does', markdown: '- `stdout` works' });
  });

  it('is undefined for a lesson with neither', () => {
    expect(passRecap('# L\n\nintro')).toBeUndefined();
  });
});
