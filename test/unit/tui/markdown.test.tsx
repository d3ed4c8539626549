import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Markdown } from '../../../src/tui/markdown.js';
import { LEARNED_HEADING, lessonSection } from '../../../src/tui/lesson.js';
import { screen } from './fixture.js';

const show = (md: string) => screen(render(<Markdown source={md} />).lastFrame());

describe('Markdown', () => {
  it('drops the markup of headings and emphasis, keeping the words', () => {
    expect(show('# Title\n\nSome **bold**, *italic* and `code`.')).toBe('Title\n\nSome bold, italic and code.');
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
    expect(lessonSection(lesson, LEARNED_HEADING)).toBe('- fork\n- exec\n\n### Detail\n\nmore');
  });

  it('is undefined when the lesson has no such section', () => {
    expect(lessonSection('# Level\n\nIntro.', LEARNED_HEADING)).toBeUndefined();
  });
});
