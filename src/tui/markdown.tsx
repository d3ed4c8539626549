import { Box, Text, Transform, type TextProps } from 'ink';
import { marked, type Token, type Tokens } from 'marked';
import { useTheme } from './theme.js';

/** Markdown laid out for the terminal: marked's tokens rendered as Ink boxes and texts, blocks one line apart. */
export function Markdown({ source }: { source: string }) {
  return <Blocks tokens={marked.lexer(source)} gap={1} />;
}

function Blocks({ tokens, gap }: { tokens: Token[]; gap: number }) {
  const blocks = tokens.filter((t) => t.type !== 'space' && t.type !== 'def');
  return (
    <Box flexDirection="column" rowGap={gap}>
      {blocks.map((t, i) => (
        <Block key={i} token={t} />
      ))}
    </Box>
  );
}

function Block({ token }: { token: Token }) {
  const theme = useTheme();
  const t = token as Tokens.Generic;
  switch (token.type) {
    case 'heading': {
      const { depth, tokens } = token as Tokens.Heading;
      return (
        <Prose bold color={depth <= 2 ? theme.accent : undefined} underline={depth === 1}>
          <Inline tokens={tokens} />
        </Prose>
      );
    }
    case 'paragraph':
    case 'text':
      return (
        <Prose>
          <Inline tokens={t.tokens ?? [{ type: 'text', raw: t.raw, text: t.text }]} />
        </Prose>
      );
    case 'code':
      return <CodeBlock text={(token as Tokens.Code).text} />;
    case 'list':
      return <List list={token as Tokens.List} />;
    case 'blockquote':
      return (
        <Box borderStyle="single" borderTop={false} borderRight={false} borderBottom={false} borderDimColor paddingLeft={1}>
          <Blocks tokens={(token as Tokens.Blockquote).tokens} gap={1} />
        </Box>
      );
    case 'table':
      return <Table table={token as Tokens.Table} />;
    case 'hr':
      return <Text dimColor>{'─'.repeat(40)}</Text>;
    case 'html':
      return <Text dimColor>{stripTags(t.text as string).trim()}</Text>;
    default:
      return <Text>{t.raw}</Text>;
  }
}

/**
 * Wrapped text without a stray space opening a line: Ink wraps with wrap-ansi's `trim: false`, which
 * moves the space at a break onto the next line when the line before fills the width exactly.
 */
export function Prose(props: TextProps) {
  return (
    <Transform transform={dropBreakSpace}>
      <Text {...props} />
    </Transform>
  );
}

function dropBreakSpace(line: string): string {
  return line.replace(/^((?:\x1b\[[0-9;]*m)*) /, '$1');
}

/** Code keeps its lines and indentation; long lines wrap rather than vanish. */
function CodeBlock({ text }: { text: string }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" paddingLeft={2}>
      {text.split('\n').map((line, i) => (
        <Text key={i} color={theme.code}>
          {line || ' '}
        </Text>
      ))}
    </Box>
  );
}

function List({ list }: { list: Tokens.List }) {
  const start = typeof list.start === 'number' ? list.start : 1;
  const markers = list.items.map((item, i) => (item.task ? (item.checked ? '[x]' : '[ ]') : list.ordered ? `${start + i}.` : '•'));
  const width = Math.max(...markers.map((m) => m.length));
  return (
    <Box flexDirection="column" rowGap={list.loose ? 1 : 0}>
      {list.items.map((item, i) => (
        <Box key={i} flexDirection="row">
          <Box width={width + 1} flexShrink={0}>
            <Text>{markers[i]}</Text>
          </Box>
          <Box flexDirection="column" flexGrow={1} flexShrink={1}>
            <Blocks tokens={item.tokens.filter((t) => t.type !== 'checkbox')} gap={item.loose ? 1 : 0} />
          </Box>
        </Box>
      ))}
    </Box>
  );
}

function Table({ table }: { table: Tokens.Table }) {
  const rows = [table.header, ...table.rows];
  const widths = table.header.map((_, col) => Math.max(...rows.map((r) => plainText(r[col]?.tokens ?? []).length)) + 2);
  return (
    <Box flexDirection="column">
      {rows.map((row, r) => (
        <Box key={r} flexDirection="row">
          {row.map((cell, c) => (
            <Box key={c} width={widths[c]} flexShrink={1}>
              <Text bold={r === 0}>
                <Inline tokens={cell.tokens} />
              </Text>
            </Box>
          ))}
        </Box>
      ))}
    </Box>
  );
}

function Inline({ tokens }: { tokens: Token[] }) {
  const theme = useTheme();
  return (
    <>
      {tokens.map((token, i) => {
        const t = token as Tokens.Generic;
        switch (token.type) {
          case 'strong':
            return (
              <Text key={i} bold>
                <Inline tokens={t.tokens!} />
              </Text>
            );
          case 'em':
            return (
              <Text key={i} italic>
                <Inline tokens={t.tokens!} />
              </Text>
            );
          case 'del':
            return (
              <Text key={i} strikethrough>
                <Inline tokens={t.tokens!} />
              </Text>
            );
          case 'codespan':
            return (
              <Text key={i} color={theme.code}>
                {prose(t.text as string)}
              </Text>
            );
          case 'link': {
            const { href, tokens: label } = token as Tokens.Link;
            const showHref = plainText(label) !== href && !href.startsWith('#');
            return (
              <Text key={i} color={theme.link} underline>
                <Inline tokens={label} />
                {showHref && ` (${href})`}
              </Text>
            );
          }
          case 'image':
            return <Text key={i} dimColor>{`[image: ${(token as Tokens.Image).text}]`}</Text>;
          case 'br':
            return <Text key={i}>{'\n'}</Text>;
          case 'html':
            return <Text key={i}>{stripTags(t.text as string)}</Text>;
          case 'text':
            return t.tokens ? <Inline key={i} tokens={t.tokens} /> : <Text key={i}>{prose(t.text as string)}</Text>;
          default:
            return <Text key={i}>{prose((t.text as string | undefined) ?? t.raw)}</Text>;
        }
      })}
    </>
  );
}

/** The words a reader sees, without markup. */
export function plainText(tokens: Token[]): string {
  return tokens
    .map((token) => {
      const t = token as Tokens.Generic;
      return t.tokens ? plainText(t.tokens) : decodeEntities((t.text as string | undefined) ?? '');
    })
    .join('');
}

/** Inline text as a reader sees it: entities decoded, and a line break inside a paragraph is a space. */
function prose(text: string): string {
  return decodeEntities(text).replace(/\n/g, ' ');
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') return String.fromCodePoint(name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

function stripTags(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, ''));
}
